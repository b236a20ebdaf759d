"""Readings domain: meter facts and the rules a register reading must pass."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from kabinet_vocabulary import READING_SOURCE, READING_STATUS, ZONE

from kit.errors import InvalidInput, Rejected

KWH = Decimal("0.001")
KWH_PLACES = 3
ROLLOVER_SHARE = Decimal("0.1")  # a drop is a roll-over only if it implies < 10% of the dial


CABINET = READING_SOURCE.CABINET    # typed by a customer in the cabinet
SEED = READING_SOURCE.SEED          # the supplier's billing system (demo data)
STAFF = READING_SOURCE.STAFF        # corrected by the supplier's staff
ACCEPTED = READING_STATUS.ACCEPTED  # stored, counted for its period, not yet billed
BILLED = READING_STATUS.BILLED      # taken into the period's billing run
SUPERSEDED = READING_STATUS.SUPERSEDED  # replaced by a correction (the history keeps it)
REJECTED = READING_STATUS.REJECTED  # not counted
COUNTED = (ACCEPTED, BILLED)        # the readings consumption is counted from
# АИИС КУЭ refuses readings typed by people (a customer); the supplier's own sources pass.
TYPED_SOURCES = (CABINET, READING_SOURCE.PUBLIC, READING_SOURCE.SMS)


@dataclass(frozen=True)
class Meter:
    """Прибор учёта, as accounts knows it."""

    meter_id: str
    zones: int
    digits: int
    ratio: Decimal = Decimal(1)
    number: str = ""  # as printed on the meter and the invoice (the public submission's second fact)

    @property
    def zone_names(self) -> tuple[str, ...]:
        """The meter's zones in reading order: 1 — total; 2 — day, night; 3 — peak, semi_peak, night."""
        return ZONE.of_meter(self.zones)

    @property
    def dial(self) -> Decimal:
        return Decimal(10) ** self.digits


@dataclass(frozen=True)
class AccountFacts:
    """What readings needs to know about a лицевой счёт it was allowed to touch."""

    account_id: str
    supplier_id: str
    category: str
    automatic_metering: bool
    meters: tuple[Meter, ...]

    def meter(self, meter_id: str) -> Meter:
        for meter in self.meters:
            if meter.meter_id == meter_id:
                return meter
        raise InvalidInput("Счётчик не относится к этому лицевому счёту.", code="meter_not_on_account",
                           fields={"meter_id": "Выберите счётчик этого лицевого счёта."})


@dataclass
class Reading:
    """Показания: one value per zone of a meter at a moment."""

    account_id: str
    meter_id: str
    values: dict[str, Decimal]
    consumption: dict[str, Decimal]
    taken_at: dt.datetime
    source: str = CABINET
    submitted_by: str | None = None
    idempotency_key: str | None = None
    reading_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    period: dt.date | None = None        # the billing month it counts for (first day)
    status: str = ACCEPTED
    flag_reason: str | None = None       # confirmed despite the plausibility check: why staff should look
    corrects: str | None = None          # the reading this one superseded
    reason: str | None = None            # a staff correction's reason
    supplier_id: str | None = None
    created_at: dt.datetime | None = None  # when stored (orders readings taken at the same moment)
    review: str | None = None            # staff's decision on a flagged reading: accepted | rejected
    review_reason: str | None = None     # why (a rejection's reason is shown to the customer)
    reviewed_at: dt.datetime | None = None
    reviewed_by: str | None = None

    @property
    def total(self) -> Decimal:
        """Consumption of all zones together (metered kWh)."""
        return sum(self.consumption.values(), Decimal(0))


# The one format of a register value: digits, optionally a decimal point or comma and more digits,
# blanks around it ignored. Anything else is refused with a message that says what is wrong.
NUMBER = re.compile(r"(?P<whole>[0-9]+)(?:[.,](?P<fraction>[0-9]+))?")
NEGATIVE = re.compile(r"[-\u2212]\s*[0-9]+(?:[.,][0-9]+)?")
NOT_FINITE = re.compile(r"[+-]?(?:s?nan|inf|infinity)", re.IGNORECASE)
EXPONENT = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)e[+-]?[0-9]+", re.IGNORECASE)


def parse_values(meter: Meter, raw: dict[str, str]) -> dict[str, Decimal]:
    """Exactly the meter's zones, each a non-negative number with at most 3 decimals that fits the dial.

    Every problem is a field error under its zone key (an unknown key too), all at once, with the
    code `invalid_reading`.
    """
    errors = {key: _not_a_zone(key) for key in raw if key not in meter.zone_names}
    values: dict[str, Decimal] = {}
    for zone in meter.zone_names:
        value = parse_value(meter, zone, raw.get(zone))
        if isinstance(value, Decimal):
            values[zone] = value
        else:
            errors[zone] = value
    if errors:
        raise InvalidInput("Проверьте показания.", code="invalid_reading", fields=errors)
    return values


def parse_value(meter: Meter, zone: str, text: str | None) -> Decimal | str:
    """One zone's value as a Decimal with 3 places, or the Russian reason it is not one."""
    text = (text or "").strip()
    if not text:
        return f"Укажите показания «{ZONE.title(zone)}»."
    number = NUMBER.fullmatch(text)
    if number is None:
        if NEGATIVE.fullmatch(text):
            return "Показания не могут быть отрицательными."
        if EXPONENT.fullmatch(text):
            return "Запишите показания без степени: например 1000, а не 1e3."
        if NOT_FINITE.fullmatch(text):
            return "Показания — число с прибора, например 12345,678, а не NaN или Infinity."
        return "Введите число, например 12345,678."
    whole, fraction = number["whole"], number["fraction"] or ""
    if len(fraction) > KWH_PLACES:
        return "Не больше трёх знаков после запятой."
    if len(whole.lstrip("0")) > meter.digits:
        return f"На счётчике только {meter.digits} {_digits_word(meter.digits)} до запятой."
    # Built from the digits, so no arithmetic context can round or refuse it.
    return Decimal(f"{whole}.{fraction.ljust(KWH_PLACES, '0')}")


def _not_a_zone(key: str) -> str:
    if key in ZONE:
        return f"У этого счётчика нет зоны «{ZONE.title(key)}»."
    return "Неизвестная тарифная зона."


def _digits_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "цифра"
    return "цифры" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "цифр"


def consumption_since(meter: Meter, previous: Reading | None, values: dict[str, Decimal]) -> dict[str, Decimal]:
    """Consumption per zone against the previous accepted reading, allowing a roll-over of the dial."""
    if previous is None:
        return {zone: Decimal("0.000") for zone in values}
    result: dict[str, Decimal] = {}
    for zone, value in values.items():
        before = previous.values.get(zone, Decimal(0))
        used = value - before
        if used < 0:
            rolled = meter.dial - before + value
            if rolled >= meter.dial * ROLLOVER_SHARE:
                raise Rejected(
                    f"Показания «{ZONE.title(zone)}» меньше предыдущих ({before}).",
                    code="reading_below_previous",
                    fields={zone: f"Не меньше {before}."},
                )
            used = rolled
        result[zone] = used.quantize(KWH)
    return result


def accept_reading(account: AccountFacts, meter_id: str, raw: dict[str, str], previous: Reading | None, *,
                   submitted_by: str | None, idempotency_key: str | None, now: dt.datetime,
                   source: str = CABINET) -> Reading:
    """Validate a reading and return it accepted, with its consumption (period and status are the caller's)."""
    refuse_automatic(account, source)
    meter = account.meter(meter_id)
    values = parse_values(meter, raw)
    consumption = consumption_since(meter, previous, values)
    return Reading(account_id=account.account_id, meter_id=meter_id, values=values, consumption=consumption,
                   taken_at=now, submitted_by=submitted_by, idempotency_key=idempotency_key, source=source,
                   supplier_id=account.supplier_id)


def refuse_automatic(account: AccountFacts, source: str) -> None:
    """АИИС КУЭ accounts take no readings people type."""
    if account.automatic_metering and source in TYPED_SOURCES:
        raise Rejected("Показания по этому счёту поступают автоматически (АИИС КУЭ).",
                       code="automatic_metering")


def rolled_over(previous: Reading | None, values: dict[str, Decimal]) -> bool:
    """The dial passed zero since the previous reading (a value below it, taken as a roll-over)."""
    return previous is not None and any(v < previous.values.get(z, Decimal(0)) for z, v in values.items())


@dataclass(frozen=True)
class ChargeLine:
    """One zone of a preliminary charge, as payments prices it."""

    zone: str
    billed_kwh: Decimal  # metered consumption × КТ
    price_kop_per_kwh_x100: int  # the zone's price in 1/100 kopeck per kWh
    amount_kop: int


@dataclass(frozen=True)
class PreliminaryCharge:
    """The preliminary charge (предварительное начисление) payments would post for a reading: its lines,
    their sum and the tariff's first day. Payments decides every number of it."""

    lines: tuple[ChargeLine, ...]
    amount_kop: int
    tariff_valid_from: dt.date


@dataclass(frozen=True)
class ChargePreview:
    """Калькулятор: a reading as a submission would accept it, and the charge it would bring. Neither is
    stored."""

    reading: Reading
    charge: PreliminaryCharge
    doubt: str | None = None  # the plausibility check's doubt: a submission would ask to confirm (Russian)
