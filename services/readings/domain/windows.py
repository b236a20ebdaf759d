"""Submission windows: when a supplier takes customers' readings (from_day .. to_day of each month, both
included, in the supplier's time zone) and what happens outside (refused, or taken for the next period).

A billing period is a month, named by its first day. A day of the window past a short month's end is that
month's last day (a window "25–31" is 25–28 in February).
"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from dataclasses import dataclass

from kabinet_vocabulary import READING_SOURCE

from kit.errors import Rejected

DEFAULT_TIMEZONE = "Europe/Moscow"
REFUSE = "refuse"
NEXT_PERIOD = "next_period"

# Sources a customer types (the window applies); the supplier's own (registry, automatic, staff) never wait.
WINDOWED_SOURCES = frozenset({READING_SOURCE.CABINET, READING_SOURCE.PUBLIC, READING_SOURCE.SMS})


@dataclass(frozen=True)
class SupplierFacts:
    """Поставщик, as readings knows it from accounts (accounts.supplier.changed). The defaults are accounts'
    for a supplier entered before windows were asked: always open."""

    supplier_id: str
    timezone: str = DEFAULT_TIMEZONE
    window_from_day: int = 1
    window_to_day: int = 31
    outside_policy: str = REFUSE
    sms_code: str = ""  # the supplier's code in SMS readings ("012"); "" while unknown


def supplier_or_default(supplier_id: str, known: SupplierFacts | None) -> SupplierFacts:
    """The projected supplier, or the defaults while the projection has not heard of it."""
    return known if known is not None else SupplierFacts(supplier_id=supplier_id)


def local_date(moment: dt.datetime, tz: str) -> dt.date:
    """The calendar date of a moment in a time zone (an unknown zone name: Moscow)."""
    try:
        zone = zoneinfo.ZoneInfo(tz or DEFAULT_TIMEZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)
    return moment.astimezone(zone).date()


def period_of(day: dt.date) -> dt.date:
    """The billing period (its first day) of a local date."""
    return day.replace(day=1)


def parse_period(text: str) -> dt.date | None:
    """"YYYY-MM" as the API and events carry a period -> its first day; None if it is not one."""
    try:
        return dt.datetime.strptime(text or "", "%Y-%m").date() if len(text or "") == 7 else None
    except ValueError:
        return None


def next_period(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def window_of(supplier: SupplierFacts, period: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the period's window; days past the month's end are its last day."""
    last_day = calendar.monthrange(period.year, period.month)[1]
    return (period.replace(day=min(supplier.window_from_day, last_day)),
            period.replace(day=min(supplier.window_to_day, last_day)))


def is_open(supplier: SupplierFacts, moment: dt.datetime) -> bool:
    today = local_date(moment, supplier.timezone)
    first, last = window_of(supplier, period_of(today))
    return first <= today <= last


def next_window(supplier: SupplierFacts, moment: dt.datetime) -> tuple[dt.date, dt.date]:
    """The window open now, or else the next one to open."""
    today = local_date(moment, supplier.timezone)
    first, last = window_of(supplier, period_of(today))
    if today > last:
        return window_of(supplier, next_period(period_of(today)))
    return first, last


def days_left(supplier: SupplierFacts, moment: dt.datetime) -> int | None:
    """Days until the open window closes (0 on its last day); None when it is closed."""
    today = local_date(moment, supplier.timezone)
    first, last = window_of(supplier, period_of(today))
    return (last - today).days if first <= today <= last else None


def submission_period(supplier: SupplierFacts, moment: dt.datetime, source: str) -> dt.date:
    """The period a reading taken at `moment` counts for.

    Inside the window (and for sources the window does not bind): the local month. Outside: refused with
    the dates, or — under the "next_period" policy — the period of the next window (this month's before it
    opens, the next month's after it closed)."""
    today = local_date(moment, supplier.timezone)
    if source not in WINDOWED_SOURCES or is_open(supplier, moment):
        return period_of(today)
    first, _ = next_window(supplier, moment)
    if supplier.outside_policy == NEXT_PERIOD:
        return period_of(first)
    raise Rejected(f"Показания принимаются {days_text(supplier)}. Следующий приём — с {first:%d.%m.%Y}.",
                   code="outside_window")


def days_text(supplier: SupplierFacts) -> str:
    """«с 15 по 25 число» (a window to the 31st reads «до конца месяца»)."""
    start = supplier.window_from_day
    if supplier.window_to_day >= 31:
        return f"с {start} числа до конца месяца"
    return f"с {start} по {supplier.window_to_day} число"
