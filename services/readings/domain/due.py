"""«Необходимо заявить показания»: when an account's readings are due, and the reminders that say so.

Due while the supplier's window of the period is open (its local dates) and no reading counts for that
period yet; never for an АИИС КУЭ account (its readings come by themselves). Reminders (readings.due) are
planned once per account, period and kind: "opened" on any day of the window, "closing" from N days before
its last day (N per deployment; not on the window's first day) — and only for accounts that are still due on that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.readings.domain.windows import SupplierFacts, local_date, next_window, period_of, window_of

OPENED = "opened"    # the window has opened
CLOSING = "closing"  # the window closes in N days or fewer
KINDS = (OPENED, CLOSING)


@dataclass(frozen=True)
class DueState:
    """The flag of one account for the period whose window is open now or opens next."""

    account_id: str
    period: dt.date
    window_from: dt.date
    window_to: dt.date
    window_open: bool
    submitted: bool
    automatic_metering: bool

    @property
    def due(self) -> bool:
        return self.window_open and not self.submitted and not self.automatic_metering


def window_now(supplier: SupplierFacts, now: dt.datetime) -> tuple[dt.date, dt.date, bool]:
    """(first day, last day, open now) of the window open now, or else of the next one to open."""
    first, last = next_window(supplier, now)
    today = local_date(now, supplier.timezone)
    return first, last, first <= today <= last


def due_state(account_id: str, automatic_metering: bool, supplier: SupplierFacts, now: dt.datetime,
              submitted_periods: set[dt.date]) -> DueState:
    """The flag of an account at `now`, given the periods its readings count for."""
    first, last, is_open = window_now(supplier, now)
    period = period_of(first)
    return DueState(account_id=account_id, period=period, window_from=first, window_to=last,
                    window_open=is_open, submitted=period in submitted_periods,
                    automatic_metering=automatic_metering)


@dataclass(frozen=True)
class Plan:
    """What a scheduler run plans for one supplier today: the kinds of reminder whose day has come."""

    supplier_id: str
    period: dt.date
    window_from: dt.date
    window_to: dt.date
    kinds: tuple[str, ...]


def reminders_due(supplier: SupplierFacts, now: dt.datetime, closing_days: int) -> Plan:
    """"opened" on every day of the window (a run that missed its first day still reminds, once); "closing"
    on the window's last `closing_days` days but not its first (a short window is announced once, not twice
    on one day). Nothing outside the window."""
    today = local_date(now, supplier.timezone)
    period = period_of(today)
    first, last = window_of(supplier, period)
    kinds: tuple[str, ...] = ()
    if first <= today <= last:
        kinds = (OPENED, CLOSING) if today > first and (last - today).days <= closing_days else (OPENED,)
    return Plan(supplier_id=supplier.supplier_id, period=period, window_from=first, window_to=last, kinds=kinds)
