"""Plausibility: a reading whose consumption is far above what the meter usually measures is not silently
accepted — the customer confirms it (`confirm: true`) and it is stored flagged for staff.

Thresholds (docs/readings.md says why):
- with history (≥ 3 counted readings of the meter in the last 12 months, spanning ≥ 28 days): the expected
  consumption is the meter's own daily average × the days since the previous reading; more than 3× that
  AND more than 300 kWh above it is questioned (3× covers the winter peak of electric heating, about 2× the
  year's mean; the margin keeps small meters — a dacha at 30 kWh/month — from being questioned over 100 kWh);
- without such history: more than 1,500 kWh per 30 days (at least 30) — above the highest household norm
  × a large family; readings does not know the account's norm or residents, and this only asks a question;
- a dial that rolled over since the previous reading (rare and easily a typo) is always questioned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kit.errors import InvalidInput
from services.readings.domain.model import Reading, rolled_over

HISTORY_DAYS = 365
MIN_HISTORY_READINGS = 3
MIN_HISTORY_SPAN_DAYS = 28
FACTOR = Decimal(3)
MARGIN_KWH = Decimal(300)
NO_HISTORY_KWH_PER_30_DAYS = Decimal(1500)


@dataclass(frozen=True)
class History:
    """What the check needs of the meter's counted readings of the last 12 months: how many, when the first and
    the last were taken, and the consumption of all but the first (the first's consumption is of a span
    before the window)."""

    readings: int = 0
    first_at: dt.datetime | None = None
    last_at: dt.datetime | None = None
    used: Decimal = Decimal(0)


def summary(readings: list[Reading]) -> History:
    """The History of readings listed oldest first."""
    if not readings:
        return History()
    return History(len(readings), readings[0].taken_at, readings[-1].taken_at,
                   sum((r.total for r in readings[1:]), Decimal(0)))


def expected_kwh(history: History, previous: Reading, now: dt.datetime) -> Decimal | None:
    """The meter's own average consumption over the days since `previous`; None without enough history."""
    if history.readings < MIN_HISTORY_READINGS:
        return None
    span = (history.last_at - history.first_at).total_seconds() / 86400
    if span < MIN_HISTORY_SPAN_DAYS:
        return None
    return history.used / Decimal(span) * Decimal(_days(previous, now))


def doubt(reading: Reading, previous: Reading | None, history: History) -> str | None:
    """Why the reading needs the customer's confirmation (Russian, shown and kept as the flag), or None."""
    if previous is None:
        return None
    if rolled_over(previous, reading.values):
        return "Показания меньше предыдущих: счётчик прошёл через ноль. Проверьте, все ли цифры введены."
    total = reading.total
    expected = expected_kwh(history, previous, reading.taken_at)
    if expected is None:
        ceiling = NO_HISTORY_KWH_PER_30_DAYS * Decimal(max(_days(previous, reading.taken_at), 30)) / 30
        if total > ceiling:
            return (f"Расход {_kwh(total)} кВт·ч необычно велик для жилого помещения "
                    f"(больше {_kwh(ceiling)} кВт·ч за этот срок). Проверьте показания.")
        return None
    if total > expected * FACTOR and total > expected + MARGIN_KWH:
        return (f"Расход {_kwh(total)} кВт·ч намного больше обычного для этого счётчика "
                f"(около {_kwh(expected)} кВт·ч за этот срок). Проверьте показания.")
    return None


def require_confirmation(reason: str | None, confirm: bool) -> str | None:
    """The flag a confirmed doubtful reading is stored with; unconfirmed, a 422 asking to confirm."""
    if reason is not None and not confirm:
        raise InvalidInput(f"{reason} Если они верны, подтвердите их.", code="confirmation_required",
                           fields={"confirm": "Подтвердите показания, если они верны."})
    return reason


def _days(previous: Reading, now: dt.datetime) -> float:
    return max((now - previous.taken_at).total_seconds() / 86400, 1.0)


def _kwh(value: Decimal) -> str:
    return f"{value.quantize(Decimal(1)):,}".replace(",", "\u00a0")
