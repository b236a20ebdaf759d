"""Payments domain: tariffs (тарифы), charges (начисления) and the account ledger.

Money is integer kopecks. Prices are RUB per kWh with up to 4 decimal places
(1/100 of a kopeck, as ChargeLine.price_kop_per_kwh_x100 carries them);
consumption is kWh with 3 places. All arithmetic is Decimal.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kabinet_vocabulary import BALANCE_STATE, CHARGE_KIND, LEDGER_BUCKET, LEDGER_ENTRY_KIND, ZONE

from kit.errors import InvalidInput, Rejected

# Meters have 1, 2 or 3 zones: the counts the ZONE vocabulary knows.
METER_ZONE_COUNTS: tuple[int, ...] = tuple(sorted({n for term in ZONE for n in term.meter_zone_counts}))
PRICE_STEP = Decimal("0.0001")  # RUB/kWh
MAX_PRICE = Decimal("1000")  # RUB/kWh: far above any household price, below a price typed in kopecks
KOPECKS_PER_RUB = 100
PRELIMINARY = CHARGE_KIND.PRELIMINARY  # after a reading, before the month-end billing run
FINAL = CHARGE_KIND.FINAL


def _billing_zone() -> dt.tzinfo:
    try:
        return ZoneInfo("Europe/Moscow")
    except ZoneInfoNotFoundError:  # no tz database in the image; Moscow has been UTC+3 since 2014
        return dt.timezone(dt.timedelta(hours=3), "MSK")


BILLING_ZONE = _billing_zone()  # of a supplier payments has not heard of yet


@dataclass(frozen=True)
class Supplier:
    """Поставщик, as payments knows it from accounts (accounts.supplier.changed): the facts the money side
    needs — the payee's details (реквизиты) and the supplier's time zone and payment due day."""

    supplier_id: str
    name: str
    inn: str
    kpp: str  # "" when accounts has none
    bank_name: str
    bic: str
    settlement_account: str
    correspondent_account: str
    timezone: str  # IANA name, e.g. "Asia/Yekaterinburg"
    payment_due_day: int | None = None  # 1–28 of the next month; None when accounts has none


def supplier_zone(supplier: Supplier | None) -> dt.tzinfo:
    """The time zone the supplier's dates are in: its own, or Europe/Moscow while it is not projected
    yet (or names a zone this machine does not know)."""
    try:
        return ZoneInfo(supplier.timezone) if supplier is not None and supplier.timezone else BILLING_ZONE
    except (ZoneInfoNotFoundError, ValueError):
        return BILLING_ZONE


def local_date(moment: dt.datetime, supplier: Supplier | None = None) -> dt.date:
    """The supplier's calendar date of a moment ("today", the day of a reading): tariffs change at local
    midnight."""
    return moment.astimezone(supplier_zone(supplier)).date()


def parse_local_date(text: str) -> dt.date | None:
    """A local date of the supplier as the API carries it, "YYYY-MM-DD"; None if it is not one."""
    try:
        return dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or "") else None
    except ValueError:
        return None


# --- versions in force ---------------------------------------------------------

class Dated(Protocol):
    valid_from: dt.date


V = TypeVar("V", bound=Dated)


def in_force(versions: Iterable[V], on: dt.date) -> V | None:
    """The version in force on a date: the latest valid_from <= on. A version (of a tariff, of a norm)
    is in force from its valid_from until the next version of the same thing starts."""
    return max((v for v in versions if v.valid_from <= on), key=lambda v: v.valid_from, default=None)


def in_force_each(versions: Iterable[V], on: dt.date, key: Callable[[V], Hashable]) -> list[V]:
    """Of the versions of several things (the tariffs of each supplier and category, …), the one of each
    thing in force on a date, in the order the things first appear."""
    groups: dict[Hashable, list[V]] = {}
    for version in versions:
        groups.setdefault(key(version), []).append(version)
    return [found for group in groups.values() if (found := in_force(group, on)) is not None]


def next_version(versions: Iterable[V], on: dt.date) -> V | None:
    """The first version that starts after a date: the next scheduled change."""
    return min((v for v in versions if v.valid_from > on), key=lambda v: v.valid_from, default=None)


def valid_until(version: Dated, versions: Iterable[Dated]) -> dt.date | None:
    """The last day a version is in force: the day before the next one starts; None while none is scheduled."""
    following = next_version(versions, version.valid_from)
    return following.valid_from - dt.timedelta(days=1) if following else None


def zone_count(zones: Iterable[str]) -> int:
    """1, 2 or 3 for exactly the zones of a 1-, 2- or 3-zone meter."""
    wanted = set(zones)
    for count in METER_ZONE_COUNTS:
        if wanted == set(ZONE.of_meter(count)):
            return count
    raise Rejected(f"Неизвестный набор тарифных зон: {', '.join(sorted(wanted)) or 'пусто'}.",
                   code="unknown_zones")


def price_problem(price: Decimal) -> str | None:
    """Why a price (RUB per kWh) cannot be a tariff's, or None: it must be positive, at most MAX_PRICE,
    with at most 4 decimals (1/100 kopeck)."""
    if not price.is_finite() or price <= 0:
        return "Цена должна быть больше нуля."
    if price > MAX_PRICE:
        return f"Цена не может быть больше {MAX_PRICE} ₽ за кВт·ч."
    if price != price.quantize(PRICE_STEP):
        return "Не больше 4 знаков после запятой."
    return None


def prices_problems(prices: Mapping[int, Mapping[str, Decimal]]) -> dict[str, str]:
    """Field errors of a tariff's prices, keyed as the API names them (prices, prices.<zones>,
    prices.<zones>.<zone>); empty when they are right. Prices are given for whole zone sets: those
    of 1-, 2- and 3-zone meters (ZONE vocabulary)."""
    if not prices:
        return {"prices": "Укажите цены хотя бы для одного вида учёта: 1-, 2- или 3-зонного."}
    problems: dict[str, str] = {}
    for count, by_zone in prices.items():
        problem = zone_set_problem(count, by_zone)
        if problem:
            problems[f"prices.{count}"] = problem
            continue
        for zone, price in by_zone.items():
            if problem := price_problem(price):
                problems[f"prices.{count}.{zone}"] = problem
    return problems


def zone_set_problem(count: int, zones: Iterable[str]) -> str | None:
    """Why these zones are not the zone set of a `count`-zone meter, or None."""
    if count not in METER_ZONE_COUNTS:
        return "Цены задаются для 1-, 2- или 3-зонного учёта."
    expected = ZONE.of_meter(count)
    if set(zones) != set(expected):
        return f"Для {count}-зонного учёта нужны цены зон: {', '.join(ZONE.title(z) for z in expected)}."
    return None


def price_text(price: Decimal) -> str:
    """A price as people read it: rubles with 2 to 4 decimals ("7.05", "5.1234", "7.00")."""
    exact = price.quantize(PRICE_STEP).normalize()
    if exact.as_tuple().exponent > -2:
        exact = exact.quantize(Decimal("0.01"))
    return f"{exact:f}"


@dataclass(frozen=True)
class Tariff:
    """Тариф of a supplier for a customer category, in force from `valid_from` (local date) on
    until a later tariff of the same supplier and category starts (`in_force`)."""

    tariff_id: str
    supplier_id: str
    category: str
    valid_from: dt.date
    prices: Mapping[int, Mapping[str, Decimal]]  # zone count -> zone -> RUB per kWh

    def __post_init__(self) -> None:
        if problems := prices_problems(self.prices):
            raise InvalidInput("Проверьте цены тарифа.", code="invalid_tariff", fields=problems)

    def prices_for(self, count: int) -> Mapping[str, Decimal]:
        try:
            return self.prices[count]
        except KeyError:
            raise Rejected(f"В тарифе нет цен для {count}-зонного учёта.", code="tariff_zones_missing") from None


DECIMAL_TEXT = re.compile(r"[+-]?\d{1,12}(?:[.,]\d{1,12})?")


def parse_decimal(text: str) -> Decimal | None:
    """A decimal as people type it, with a point or a comma ("7.05", "7,05"); None if it is not one."""
    text = str(text).strip()
    return Decimal(text.replace(",", ".")) if DECIMAL_TEXT.fullmatch(text) else None


def parse_prices(raw: Mapping[str, Mapping[str, str]]) -> dict[int, dict[str, Decimal]]:
    """{"1": {"total": "7.05"}, "2": {"day": …, "night": …}} as the staff API, demo data and registries
    give them -> typed prices, checked by the rules of `prices_problems`; every problem at once, keyed
    by field (prices.<zones>.<zone> as typed)."""
    problems: dict[str, str] = {} if raw else prices_problems({})
    typed: dict[int, dict[str, Decimal]] = {}
    for key, by_zone in raw.items():
        count = int(key) if str(key).isdecimal() and len(str(key)) <= 2 else 0
        if problem := zone_set_problem(count, by_zone):
            problems[f"prices.{key}"] = problem
            continue
        typed[count] = {}
        for zone, text in by_zone.items():
            price = parse_decimal(text)
            problem = "Введите цену числом, например 7.05." if price is None else price_problem(price)
            if problem:
                problems[f"prices.{key}.{zone}"] = problem
            else:
                typed[count][zone] = price
    if problems:
        raise InvalidInput("Проверьте цены тарифа.", code="invalid_tariff", fields=problems)
    return typed


def choose_tariff(tariffs: Iterable[Tariff], *, supplier_id: str, category: str, on: dt.date) -> Tariff:
    """The supplier's tariff for the category in force on a date (`in_force`)."""
    found = in_force((t for t in tariffs if t.supplier_id == supplier_id and t.category == category), on)
    if found is None:
        raise Rejected(f"Нет тарифа поставщика {supplier_id} для категории «{category}» на {on.isoformat()}.",
                       code="tariff_not_found")
    return found


def line_amount_kop(consumption_kwh: Decimal, ratio: Decimal, price_rub: Decimal) -> int:
    """consumption × КТ × price, in kopecks, rounded half up (0.5 kopeck up) to a whole kopeck."""
    with localcontext() as ctx:
        ctx.prec = 60  # exact for any plausible reading, ratio and price
        exact = consumption_kwh * ratio * price_rub * KOPECKS_PER_RUB
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ChargeLine:
    """One zone of a charge: metered consumption, КТ, the zone's price and the amount."""

    zone: str
    consumption: Decimal  # kWh on the meter, before КТ
    ratio: Decimal
    price_rub: Decimal  # per kWh
    amount_kop: int
    reading: Decimal | None = None  # the meter's value read, on a preliminary charge's line

    @property
    def billed_kwh(self) -> Decimal:
        """Consumption the customer pays for: metered consumption × КТ."""
        return self.consumption * self.ratio

    @property
    def price_kop_per_kwh_x100(self) -> int:
        return int(self.price_rub * KOPECKS_PER_RUB * 100)


@dataclass(frozen=True)
class Charge:
    """Начисление: an amount owed for energy, by zone. Positive; the ledger books it negatively."""

    account_id: str
    kind: str
    reading_id: str | None
    tariff_id: str
    lines: tuple[ChargeLine, ...]
    posted_at: dt.datetime
    charge_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    period: dt.date | None = None  # the billing month (its first day) it is booked to
    meter_id: str | None = None  # of a preliminary charge: the meter read
    taken_at: dt.datetime | None = None  # of a preliminary charge: when its reading was taken (the meter's order)

    @property
    def amount_kop(self) -> int:
        return total_kop(self.lines)


def total_kop(lines: Iterable[ChargeLine]) -> int:
    """The amount of a charge: the sum of its lines, each already rounded to the kopeck."""
    return sum(line.amount_kop for line in lines)


@dataclass(frozen=True)
class AcceptedReading:
    """A reading readings accepted, as payments needs it to charge (readings.reading.accepted)."""

    reading_id: str
    account_id: str
    supplier_id: str
    category: str
    consumption: Mapping[str, Decimal]  # zone -> kWh since the previous reading
    ratio: Decimal  # КТ of the meter
    taken_at: dt.datetime
    submitted_by: str = ""  # user id; empty for automatic readings
    values: Mapping[str, Decimal] = field(default_factory=dict)  # zone -> the meter's value read
    meter_id: str = ""
    period: dt.date | None = None  # the billing month readings counted it for (None: the month it was taken in)


@dataclass(frozen=True)
class AccountFacts:
    """What payments knows of a лицевой счёт from accounts (accounts.account.changed, or CheckAccess):
    its supplier and the category that selects its tariff and norm, and what its invoice prints."""

    account_id: str
    supplier_id: str
    category: str
    meter_zones: tuple[int, ...] = ()  # zone counts of its open meters
    residents: int | None = None  # of the premise, when known (norms)
    # for its invoice (квитанция) and who gets it how; "" / False while accounts has not said
    number: str = ""  # the лицевой счёт as printed, e.g. 12-12345678
    address: str = ""
    holder: str = ""
    bill_delivery: str = ""  # BILL_DELIVERY: email, paper_email, paper
    automatic_metering: bool = False  # АИИС КУЭ


def charge_lines(tariff: Tariff, consumption: Mapping[str, Decimal], ratio: Decimal) -> tuple[ChargeLine, ...]:
    """The lines of a charge for a reading's consumption: per zone of the meter, consumption × КТ × price,
    each rounded to the kopeck (`line_amount_kop`). The zones must be those of a meter and priced by the
    tariff; КТ positive; consumption not negative."""
    if not ratio.is_finite() or ratio <= 0:
        raise Rejected(f"Недопустимый коэффициент трансформации {ratio}.", code="invalid_ratio")
    count = zone_count(consumption)
    prices = tariff.prices_for(count)
    lines = []
    for zone in ZONE.of_meter(count):
        used = consumption[zone]
        if not used.is_finite() or used < 0:
            raise Rejected(f"Недопустимый расход «{zone}»: {used}.", code="invalid_consumption")
        lines.append(ChargeLine(zone=zone, consumption=used, ratio=ratio, price_rub=prices[zone],
                                amount_kop=line_amount_kop(used, ratio, prices[zone])))
    return tuple(lines)


def preliminary_charge(tariff: Tariff, reading: AcceptedReading, *, posted_at: dt.datetime) -> Charge:
    """Предварительное начисление for a reading: per zone, consumption × КТ × price, to the kopeck."""
    lines = tuple(replace(line, reading=reading.values.get(line.zone))
                  for line in charge_lines(tariff, reading.consumption, reading.ratio))
    return Charge(account_id=reading.account_id, kind=PRELIMINARY, reading_id=reading.reading_id,
                  tariff_id=tariff.tariff_id, lines=lines, posted_at=posted_at, meter_id=reading.meter_id or None,
                  taken_at=reading.taken_at)


@dataclass(frozen=True)
class ChargePreview:
    """Калькулятор: the preliminary charge a reading would get, by the same rules, posted nowhere."""

    tariff: Tariff
    lines: tuple[ChargeLine, ...]

    @property
    def amount_kop(self) -> int:
        return total_kop(self.lines)


def preview_charge(tariff: Tariff, consumption: Mapping[str, Decimal], ratio: Decimal) -> ChargePreview:
    """What `preliminary_charge` would charge for this consumption at this tariff."""
    return ChargePreview(tariff=tariff, lines=charge_lines(tariff, consumption, ratio))


# --- the ledger ---------------------------------------------------------------

OPENING, CHARGE, PAYMENT, PENALTY, ADJUSTMENT, REFUND = LEDGER_ENTRY_KIND.codes
ENTRY_KINDS = LEDGER_ENTRY_KIND.codes
ENERGY, PENALTIES = LEDGER_BUCKET.ENERGY, LEDGER_BUCKET.PENALTIES


@dataclass(frozen=True)
class LedgerEntry:
    """A movement on the account's balance, in kopecks: + pays, − owes (charges, penalties)."""

    account_id: str
    kind: str
    amount_kop: int
    posted_at: dt.datetime
    charge_id: str | None = None
    entry_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    bucket: str = ENERGY  # LEDGER_BUCKET: energy and penalties are owed and paid separately
    period: dt.date | None = None  # the billing month (its first day) the entry belongs to
    due_on: dt.date | None = None  # a debt's due date
    external_id: str | None = None  # an outside fact (registry row, provider payment): booked once
    reverses: str | None = None  # the entry this one supersedes (a final charge reverses the preliminary)
    run_id: str | None = None  # the billing run that wrote it
    channel: str | None = None  # PAYMENT_CHANNEL of a payment
    paid_on: dt.date | None = None  # a payment's date as the payer made it
    description: str | None = None  # Russian, for the ledger list

    def __post_init__(self) -> None:
        if self.kind not in ENTRY_KINDS:
            raise InvalidInput(f"Неизвестный вид проводки: {self.kind}.", code="invalid_ledger_entry")
        if self.bucket not in LEDGER_BUCKET.codes:
            raise InvalidInput(f"Неизвестный вид задолженности: {self.bucket}.", code="invalid_ledger_entry")
        if type(self.amount_kop) is not int:
            raise InvalidInput("Сумма проводки — целое число копеек.", code="invalid_ledger_entry")

    @classmethod
    def for_charge(cls, charge: Charge) -> LedgerEntry:
        return cls(account_id=charge.account_id, kind=CHARGE, amount_kop=-charge.amount_kop,
                   posted_at=charge.posted_at, charge_id=charge.charge_id)

    @classmethod
    def opening(cls, account_id: str, amount_kop: int, posted_at: dt.datetime, *, external_id: str | None = None,
                bucket: str = ENERGY, due_on: dt.date | None = None) -> LedgerEntry:
        """Входящее сальдо: the balance (or a dated debt) carried over from the supplier's billing system;
        booked once per external fact (by default one per account)."""
        return cls(account_id=account_id, kind=OPENING, amount_kop=amount_kop, posted_at=posted_at,
                   external_id=external_id or f"opening:{account_id}", bucket=bucket, due_on=due_on)


DEBT, ZERO, OVERPAYMENT = BALANCE_STATE.DEBT, BALANCE_STATE.ZERO, BALANCE_STATE.OVERPAYMENT


@dataclass(frozen=True)
class Balance:
    """Баланс лицевого счёта: the sum of its ledger. Its state drives the colour on the page:
    debt (red), zero (grey), overpayment (green)."""

    account_id: str
    balance_kop: int

    @property
    def state(self) -> str:
        if self.balance_kop < 0:
            return DEBT
        return ZERO if self.balance_kop == 0 else OVERPAYMENT

    @property
    def amount_due_kop(self) -> int:
        """К оплате: the debt, or nothing."""
        return max(0, -self.balance_kop)
