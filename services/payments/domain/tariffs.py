"""Master data of money: customer categories, tariff versions as staff enter them, the supplier's zone
schedule (тарифные зоны суток) and consumption norms (нормативы потребления).

Tariffs themselves, their price rules and the rule of the version in force live in `model.py`; this
module builds and checks what staff enter and the read models the views show.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from kabinet_vocabulary import ZONE

from kit.errors import Conflict, InvalidInput
from kit.ids import is_uuid
from services.payments.domain.model import (
    AccountFacts,
    Tariff,
    parse_decimal,
    parse_local_date,
    parse_prices,
)

BAD_DATE = "Укажите дату в виде ГГГГ-ММ-ДД."
BAD_SUPPLIER = "Неверный идентификатор поставщика."
UNKNOWN_CATEGORY = "Неизвестная категория потребителей: сначала добавьте её."


# --- customer categories ---------------------------------------------------------

CATEGORY_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_CATEGORY_TITLE = 200


@dataclass(frozen=True)
class CustomerCategory:
    """Категория потребителей (городское население с газовыми плитами, сельское, льготные …): a free
    code, the one accounts' registry gives an account, and its Russian title."""

    code: str
    title: str

    def __post_init__(self) -> None:
        problems = {}
        if not CATEGORY_CODE.fullmatch(self.code):
            problems["code"] = "Код категории: латинские строчные буквы, цифры и «_», с буквы, до 64 символов."
        if not self.title or len(self.title) > MAX_CATEGORY_TITLE:
            problems["title"] = f"Название категории: от 1 до {MAX_CATEGORY_TITLE} символов."
        if problems:
            raise InvalidInput("Проверьте категорию.", code="invalid_category", fields=problems)


def new_category(code: str, title: str) -> CustomerCategory:
    return CustomerCategory(code=code.strip(), title=" ".join(title.split()))


# --- tariff versions ---------------------------------------------------------------

def _version_of(supplier_id: str, category_known: bool, valid_from: str) -> tuple[dt.date | None, dict[str, str]]:
    """What every version of master data (a tariff, a norm) needs: a supplier id, a known category and the
    local date it starts; the start date and the problems found."""
    problems: dict[str, str] = {}
    if not is_uuid(supplier_id):
        problems["supplier_id"] = BAD_SUPPLIER
    if not category_known:
        problems["category"] = UNKNOWN_CATEGORY
    starts = parse_local_date(valid_from)
    if starts is None:
        problems["valid_from"] = BAD_DATE
    return starts, problems


def new_tariff(*, tariff_id: str, supplier_id: str, category: str, category_known: bool, valid_from: str,
               prices: Mapping[str, Mapping[str, str]]) -> Tariff:
    """A tariff version as staff enter it, every problem at once (code invalid_tariff, per field)."""
    starts, problems = _version_of(supplier_id, category_known, valid_from)
    try:
        typed = parse_prices(prices)
    except InvalidInput as refused:
        problems.update(refused.fields)
    if problems:
        raise InvalidInput("Проверьте тариф.", code="invalid_tariff", fields=problems)
    return Tariff(tariff_id=tariff_id, supplier_id=supplier_id, category=category, valid_from=starts,
                  prices=typed)


def ensure_new_version(tariff: Tariff, versions: Iterable[Tariff]) -> None:
    """A supplier and category have one tariff version per date: a change is a new version from a
    later (or earlier) date, never a second one from the same date."""
    if any(v.valid_from == tariff.valid_from for v in versions
           if (v.supplier_id, v.category) == (tariff.supplier_id, tariff.category)):
        raise tariff_exists(tariff.valid_from)


def tariff_exists(valid_from: dt.date) -> Conflict:
    return Conflict(f"У поставщика уже есть тариф этой категории с {valid_from:%d.%m.%Y}.", code="tariff_exists",
                    fields={"valid_from": "С этой даты тариф уже задан: выберите другую дату."})


# --- the zone schedule -----------------------------------------------------------------

MINUTES_A_DAY = 24 * 60
BASE_ZONES = ZONE.of_meter(3)  # peak, semi-peak and night share the day out
COMPOSED = {ZONE.DAY: (ZONE.PEAK, ZONE.SEMI_PEAK), ZONE.TOTAL: BASE_ZONES}  # day = peak + semi-peak


@dataclass(frozen=True)
class Hours:
    """An interval of local time in minutes since midnight; an end before the start crosses midnight,
    an end of 1440 is 24:00."""

    start: int
    end: int

    @classmethod
    def parse(cls, start: str, end: str) -> Hours:
        return cls(_minutes(start), _minutes(end))

    def minutes(self) -> set[int]:
        end = self.end if self.end > self.start else self.end + MINUTES_A_DAY
        return {m % MINUTES_A_DAY for m in range(self.start, end)}

    @property
    def texts(self) -> tuple[str, str]:
        return _hhmm(self.start), _hhmm(self.end)


def _minutes(text: str) -> int:
    match = re.fullmatch(r"(\d{2}):(\d{2})", text)
    if not match or int(match[1]) > 24 or int(match[2]) > 59 or (int(match[1]) == 24 and int(match[2])):
        raise InvalidInput(f"Неверное время зоны: {text!r}.", code="invalid_zone_schedule")
    return int(match[1]) * 60 + int(match[2])


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class ZoneSchedule:
    """Тарифные зоны суток of a supplier, local time: the hours of peak, semi-peak and night, which
    share the day out with no gap and no overlap. Day is peak + semi-peak; the one-zone total is the
    whole day."""

    hours: Mapping[str, tuple[Hours, ...]]  # peak, semi_peak, night

    def __post_init__(self) -> None:
        if set(self.hours) != set(BASE_ZONES):
            raise InvalidInput("Зоны суток: нужны часы пика, полупика и ночи.", code="invalid_zone_schedule")
        covered = [m for zone in BASE_ZONES for h in self.hours[zone] for m in h.minutes()]
        if len(covered) != MINUTES_A_DAY or len(set(covered)) != MINUTES_A_DAY:
            raise InvalidInput("Зоны суток должны покрывать сутки без пропусков и наложений.",
                               code="invalid_zone_schedule")

    def hours_of(self, zone: str) -> tuple[Hours, ...]:
        """The hours of any zone of the ZONE vocabulary, joined where they meet, by start."""
        minutes = {m for base in COMPOSED.get(zone, (zone,)) for h in self.hours[base] for m in h.minutes()}
        return _intervals(minutes)

    @classmethod
    def from_texts(cls, raw: Mapping[str, Iterable[Iterable[str]]]) -> ZoneSchedule:
        """{"peak": [["07:00", "10:00"], …], …} as stored."""
        return cls({zone: tuple(Hours.parse(*pair) for pair in pairs) for zone, pairs in raw.items()})

    def to_texts(self) -> dict[str, list[list[str]]]:
        return {zone: [list(h.texts) for h in self.hours[zone]] for zone in BASE_ZONES}


def _intervals(minutes: set[int]) -> tuple[Hours, ...]:
    if len(minutes) == MINUTES_A_DAY:
        return (Hours(0, MINUTES_A_DAY),)
    found = []
    for start in sorted(m for m in minutes if (m - 1) % MINUTES_A_DAY not in minutes):
        end = start
        while end % MINUTES_A_DAY in minutes:
            end += 1
        found.append(Hours(start, end if end <= MINUTES_A_DAY else end - MINUTES_A_DAY))
    return tuple(found)


# The supplier's schedule until it has one of its own (DESIGN §5): night 23:00–07:00; peak 07:00–10:00
# and 17:00–21:00; semi-peak the rest.
DEFAULT_ZONE_SCHEDULE = ZoneSchedule.from_texts({
    ZONE.PEAK: [("07:00", "10:00"), ("17:00", "21:00")],
    ZONE.SEMI_PEAK: [("10:00", "17:00"), ("21:00", "23:00")],
    ZONE.NIGHT: [("23:00", "07:00")],
})


# --- consumption norms -------------------------------------------------------------------

MAX_RESIDENTS = 20
NORM_STEP = Decimal("0.001")  # kWh, as readings
MAX_NORM = Decimal("10000")  # kWh per month per resident


@dataclass(frozen=True)
class ConsumptionNorm:
    """Норматив потребления: kWh per month per resident of a premise of the category with `residents`
    residents, from valid_from until the next version of the same supplier, category and residents."""

    supplier_id: str
    category: str
    residents: int
    valid_from: dt.date
    kwh_per_month: Decimal

    def __post_init__(self) -> None:
        if problems := norm_problems(self.residents, self.kwh_per_month):
            raise InvalidInput("Проверьте норматив.", code="invalid_norm", fields=problems)

    @property
    def key(self) -> tuple[str, str, int]:
        return self.supplier_id, self.category, self.residents


def norm_problems(residents: int, kwh_per_month: Decimal) -> dict[str, str]:
    """A norm is for 1 to MAX_RESIDENTS residents and a positive number of kWh with at most 3 decimals."""
    problems = {}
    if not 1 <= residents <= MAX_RESIDENTS:
        problems["residents"] = f"Число проживающих: от 1 до {MAX_RESIDENTS}."
    if not kwh_per_month.is_finite() or kwh_per_month <= 0 or kwh_per_month > MAX_NORM:
        problems["kwh_per_month"] = f"Норматив: больше нуля и не больше {MAX_NORM} кВт·ч."
    elif kwh_per_month != kwh_per_month.quantize(NORM_STEP):
        problems["kwh_per_month"] = "Не больше 3 знаков после запятой."
    return problems


def new_norm(*, supplier_id: str, category: str, category_known: bool, residents: int, valid_from: str,
             kwh_per_month: str) -> ConsumptionNorm:
    """A norm as staff set it, every problem at once (code invalid_norm, per field)."""
    starts, problems = _version_of(supplier_id, category_known, valid_from)
    kwh = parse_decimal(kwh_per_month)
    if kwh is None:
        problems["kwh_per_month"] = "Введите норматив числом, например 88 или 57.5."
    problems = {**norm_problems(residents, kwh if kwh is not None else Decimal(1)), **problems}
    if problems:
        raise InvalidInput("Проверьте норматив.", code="invalid_norm", fields=problems)
    return ConsumptionNorm(supplier_id=supplier_id, category=category, residents=residents, valid_from=starts,
                           kwh_per_month=kwh)


# --- what the views show --------------------------------------------------------------------

@dataclass(frozen=True)
class TariffCard:
    """A tariff version as people read it: with its category's title, the day it ends, and the zone
    schedule of its supplier (the hours of each zone)."""

    tariff: Tariff
    category_title: str
    valid_until: dt.date | None
    schedule: ZoneSchedule


@dataclass(frozen=True)
class AccountTariff:
    """The tariff of a лицевой счёт on a date, and the next scheduled change."""

    account: AccountFacts
    on: dt.date
    current: TariffCard
    next: TariffCard | None


@dataclass(frozen=True)
class NormCard:
    norm: ConsumptionNorm
    valid_until: dt.date | None
