"""АИИС КУЭ: the automatic metering feed's values and the rules each must pass (docs/metering.md).

A batch names meters by the supplier and the meter's number; each value is an hour's energy (`hourly`: kWh
in the hour starting at `at`, up to 7 decimals, stored in the hourly values) or a monthly register reading
(`register`: one value per zone of the meter, 3 decimals, a reading with source "automatic"). A value is
stored once per meter and moment: again with the same value it is a duplicate, with another value a
conflict. Every bad item is reported with its index, a code and a Russian message; the good ones are stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from kabinet_vocabulary import READING_SOURCE, ZONE

from kit.errors import InvalidInput
from kit.registry import read_csv
from services.readings.domain.model import NUMBER, Meter, parse_values
from services.readings.domain.registry import ZONE_COLUMNS

AUTOMATIC = READING_SOURCE.AUTOMATIC  # the source of every value of the feed
HOURLY, REGISTER = "hourly", "register"
KINDS = (HOURLY, REGISTER)
MAX_VALUES = 10_000       # per batch (and per file): about 450 KB of JSON, under the gateway's 1 MB body cap
KWH_PLACES = 7            # an hour's energy: up to 7 decimals (hourly_values.kwh is Numeric(20, 7))
KWH_WHOLE_DIGITS = 13
CLOCK_SKEW = dt.timedelta(minutes=5)  # the operator's clock may run ahead a little
MAX_AGE = dt.timedelta(days=3 * 366)  # older values are the billing system's, not the feed's
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Item:
    """One value as the batch gives it (texts unparsed); `index` is its position (a file: its line)."""

    index: int
    meter_number: str
    at: str
    kind: str
    kwh: str = ""
    zones: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    index: int
    code: str
    message: str  # Russian
    meter_number: str = ""


class ItemError(ValueError):
    """Why one item is rejected: a stable code and a Russian message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Point:
    """A meter of the supplier as the feed may name it: its account and whether the account is АИИС КУЭ."""

    account_id: str
    automatic_metering: bool
    meter: Meter


@dataclass(frozen=True)
class Hourly:
    item: Item
    point: Point
    hour_start: dt.datetime  # UTC
    kwh: Decimal

    @property
    def key(self) -> tuple[str, dt.datetime]:
        return self.point.meter.meter_id, self.hour_start


@dataclass(frozen=True)
class Register:
    item: Item
    point: Point
    taken_at: dt.datetime
    values: dict[str, Decimal]

    @property
    def key(self) -> tuple[str, dt.datetime]:
        return self.point.meter.meter_id, self.taken_at


@dataclass
class Report:
    """What a batch did: values stored now, already stored (unchanged), and the rejected ones with why."""

    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.problems)

    def reject(self, item: Item, error: ItemError) -> None:
        self.problems.append(Problem(item.index, error.code, error.message, item.meter_number))

    def finish(self) -> Report:
        self.problems.sort(key=lambda p: p.index)
        return self


FILE_COLUMNS = ("meter_number", "at", "kind")  # then kwh (hourly) or the zone columns (register)


def file_items(content: bytes) -> list[Item]:
    """The staff's CSV (";", UTF-8, a header naming the columns): one value per row, its index the line."""
    return [Item(index=line, meter_number=r["meter_number"], at=r["at"], kind=r["kind"], kwh=r.get("kwh", ""),
                 zones={zone: r[zone] for zone in ZONE_COLUMNS if r.get(zone)})
            for line, r in read_csv(content, FILE_COLUMNS)]


def check_size(count: int) -> None:
    if count > MAX_VALUES:
        raise InvalidInput(f"Не больше {MAX_VALUES:,} значений в пакете, получено {count:,}: разделите его."
                           .replace(",", " "), code="batch_too_large")


def moment(text: str) -> dt.datetime:
    """ISO 8601 with an offset (or Z) -> UTC."""
    try:
        value = dt.datetime.fromisoformat((text or "").strip())
    except ValueError:
        raise ItemError("invalid_time", f"Время «{text}»: ожидается ISO 8601, например 2026-11-01T00:00:00+03:00."
                        ) from None
    if value.tzinfo is None:
        raise ItemError("invalid_time", f"Время «{text}»: укажите часовой пояс, например +03:00 или Z.")
    return value.astimezone(dt.UTC)


def in_range(at: dt.datetime, end: dt.datetime, now: dt.datetime) -> None:
    """The value's period (`at`..`end`) is over, and not older than the feed keeps."""
    if end > now + CLOCK_SKEW:
        raise ItemError("future_time", "Время ещё не наступило: передавайте значения за прошедшие периоды.")
    if at < now - MAX_AGE:
        raise ItemError("too_old", "Значение старше трёх лет: такие данные загружаются реестром биллинга.")


def hour_start(text: str, now: dt.datetime) -> dt.datetime:
    """The start of a whole hour (UTC), the hour over."""
    at = moment(text)
    if at.minute or at.second or at.microsecond:
        raise ItemError("invalid_time", f"Время «{text}»: час начинается с 00 минут 00 секунд.")
    in_range(at, at + HOUR, now)
    return at


def kwh(text: str) -> Decimal:
    """Energy of an hour: a non-negative number with up to 7 decimals ("," or ".")."""
    number = NUMBER.fullmatch((text or "").strip())
    if number is None:
        raise ItemError("invalid_value", f"Значение «{text}»: ожидается неотрицательное число кВт·ч, например 1,2345678.")
    whole, fraction = number["whole"], number["fraction"] or ""
    if len(fraction) > KWH_PLACES:
        raise ItemError("invalid_value", f"Значение «{text}»: не больше {KWH_PLACES} знаков после запятой.")
    if len(whole.lstrip("0")) > KWH_WHOLE_DIGITS:
        raise ItemError("invalid_value", f"Значение «{text}»: слишком большое число.")
    return Decimal(f"{whole}.{fraction.ljust(KWH_PLACES, '0')}")


def locate(item: Item, found: list[Point]) -> Point:
    """The one meter of the supplier with the item's number, of an АИИС КУЭ account."""
    if not item.meter_number.strip():
        raise ItemError("meter_not_found", "Не указан номер счётчика.")
    if not found:
        raise ItemError("meter_not_found", f"Счётчик {item.meter_number} не найден у поставщика.")
    if len({p.meter.meter_id for p in found}) > 1:
        raise ItemError("meter_ambiguous", f"У поставщика несколько счётчиков с номером {item.meter_number}: "
                                           "обратитесь к поставщику.")
    point = found[0]
    if not point.automatic_metering:
        raise ItemError("not_automatic_metering", f"Лицевой счёт счётчика {item.meter_number} не подключён к АИИС КУЭ: "
                                                  "его показания передаёт абонент.")
    return point


def value_of(item: Item, point: Point, now: dt.datetime) -> Hourly | Register:
    """The item checked against its meter: an hour's energy or a register reading."""
    if item.kind == HOURLY:
        if item.zones:
            raise ItemError("invalid_value", "Почасовое значение — одно число kwh, без зон.")
        return Hourly(item, point, hour_start(item.at, now), kwh(item.kwh))
    if item.kind != REGISTER:
        raise ItemError("invalid_kind", f"Вид значения «{item.kind}»: ожидается hourly или register.")
    if item.kwh:
        raise ItemError("invalid_reading", "Показания регистра — по зонам счётчика (zones), без kwh.")
    at = moment(item.at)
    in_range(at, at, now)
    return Register(item, point, at, register_values(point.meter, item.zones))


def register_values(meter: Meter, zones: Mapping[str, str]) -> dict[str, Decimal]:
    """Exactly the meter's zones, each a register value as a customer's reading is checked."""
    try:
        return parse_values(meter, dict(zones))
    except InvalidInput as exc:
        raise ItemError("invalid_reading", " ".join(f"{_zone_title(z)}: {m}" for z, m in exc.fields.items())) from None


def _zone_title(zone: str) -> str:
    return f"«{ZONE.title(zone)}»" if zone in ZONE else f"«{zone}»"


def first_of_each(values: list, report: Report) -> list:
    """One value per meter and moment in a batch: the same again is a duplicate, another value a conflict."""
    seen: dict[tuple, Hourly | Register] = {}
    kept = []
    for value in values:
        earlier = seen.get(value.key)
        if earlier is None:
            seen[value.key] = value
            kept.append(value)
        elif same(earlier, value):
            report.duplicates += 1
        else:
            report.reject(value.item, conflict(value))
    return kept


def same(a: Hourly | Register, b: Hourly | Register) -> bool:
    return (a.kwh == b.kwh) if isinstance(a, Hourly) else (a.values == b.values)


def conflict(value: Hourly | Register, stored: object = None) -> ItemError:
    shown = f" (сохранено {_shown(stored)})" if stored is not None else ""
    return ItemError("value_conflict", f"За это время у счётчика уже есть другое значение{shown}: оно не изменено. "
                                       "Исправление — через поставщика.")


def _shown(stored: object) -> str:
    if isinstance(stored, Mapping):
        return ", ".join(f"{_zone_title(z)} {v}" for z, v in stored.items())
    return format(stored.normalize(), "f") if isinstance(stored, Decimal) else str(stored)


def not_latest(last_at: dt.datetime) -> ItemError:
    return ItemError("reading_not_latest", f"У счётчика есть показания не раньше этих (от {last_at:%d.%m.%Y %H:%M} "
                                           "UTC): значение не загружено.")
