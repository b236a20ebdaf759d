"""Readings domain: zones, meter facts and the rules a register reading must pass."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kit.errors import InvalidInput, Rejected

ZONES_BY_COUNT: dict[int, tuple[str, ...]] = {
    1: ("total",),                        # Круглосуточные
    2: ("day", "night"),                  # День, Ночь
    3: ("peak", "semi_peak", "night"),    # Пик, Полупик, Ночь
}
ZONE_TITLES = {"total": "Круглосуточные", "day": "День", "night": "Ночь", "peak": "Пик",
               "semi_peak": "Полупик"}
KWH = Decimal("0.001")
ROLLOVER_SHARE = Decimal("0.1")  # a drop is a roll-over only if it implies < 10% of the dial


@dataclass(frozen=True)
class Meter:
    """Прибор учёта, as accounts knows it."""

    meter_id: str
    zones: int
    digits: int
    ratio: Decimal = Decimal(1)

    @property
    def zone_names(self) -> tuple[str, ...]:
        return ZONES_BY_COUNT[self.zones]

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
    source: str = "cabinet"
    submitted_by: str | None = None
    idempotency_key: str | None = None
    reading_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def parse_values(meter: Meter, raw: dict[str, str]) -> dict[str, Decimal]:
    """Exactly the meter's zones, each a non-negative number with at most 3 decimals that fits the dial."""
    errors: dict[str, str] = {}
    unknown = set(raw) - set(meter.zone_names)
    for zone in sorted(unknown):
        errors[zone] = "У этого счётчика нет такой зоны."
    values: dict[str, Decimal] = {}
    for zone in meter.zone_names:
        text = (raw.get(zone) or "").strip().replace(",", ".")
        if not text:
            errors[zone] = f"Укажите показания «{ZONE_TITLES[zone]}»."
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            errors[zone] = "Введите число, например 12345.678."
            continue
        if not value.is_finite() or value < 0:
            errors[zone] = "Показания не могут быть отрицательными."
        elif value != value.quantize(KWH):
            errors[zone] = "Не больше трёх знаков после запятой."
        elif value >= meter.dial:
            errors[zone] = f"На счётчике только {meter.digits} цифр до запятой."
        else:
            values[zone] = value.quantize(KWH)
    if errors:
        raise InvalidInput("Проверьте показания.", code="invalid_reading", fields=errors)
    return values


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
                    f"Показания «{ZONE_TITLES[zone]}» меньше предыдущих ({before}).",
                    code="reading_below_previous",
                    fields={zone: f"Не меньше {before}."},
                )
            used = rolled
        result[zone] = used.quantize(KWH)
    return result


def accept_reading(account: AccountFacts, meter_id: str, raw: dict[str, str], previous: Reading | None, *,
                   submitted_by: str | None, idempotency_key: str | None, now: dt.datetime) -> Reading:
    """Validate a customer's reading and return it accepted, with its consumption."""
    if account.automatic_metering:
        raise Rejected("Показания по этому счёту поступают автоматически (АИИС КУЭ).",
                       code="automatic_metering")
    meter = account.meter(meter_id)
    values = parse_values(meter, raw)
    consumption = consumption_since(meter, previous, values)
    return Reading(account_id=account.account_id, meter_id=meter_id, values=values, consumption=consumption,
                   taken_at=now, submitted_by=submitted_by, idempotency_key=idempotency_key)
