"""Consumption series: which readings count, how months are cut, and the points of a chart.

A month's consumption is the sum of the consumption of the readings taken in that month of the supplier's
calendar, per zone (over the account's meters, or one meter). A reading's consumption is counted against the
previous reading of the same meter, so a new meter's first reading (a replacement) is a baseline that counts
nothing, and a corrected reading counts once: only accepted and billed readings count (`model.COUNTED`),
superseded and rejected ones never. A reading is not spread over the months it covers: it belongs to the month it was taken in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from kabinet_vocabulary import ZONE

from kit.errors import InvalidInput

MONTH, DAY, HOUR = "month", "day", "hour"
GRANULARITIES = (MONTH, DAY, HOUR)
DEFAULT_MONTHS = 12
MAX_MONTHS = 36
KWH = Decimal("0.001")


@dataclass(frozen=True)
class Point:
    period: dt.date                       # the month's first day
    start: dt.datetime                    # its first local midnight
    duration_seconds: int
    zones: tuple[tuple[str, Decimal], ...]  # in reading order
    charged_kop: int

    @property
    def total_kwh(self) -> Decimal:
        return sum((kwh for _, kwh in self.zones), Decimal("0.000")).quantize(KWH)


@dataclass(frozen=True)
class Series:
    account_id: str
    meter_id: str
    granularity: str
    first: dt.date
    last: dt.date
    timezone: str
    points: tuple[Point, ...]
    charges_available: bool


@dataclass(frozen=True)
class Query:
    """What was asked, checked: a month range of the supplier's calendar."""

    granularity: str
    first: dt.date
    last: dt.date


def check_query(*, granularity: str, from_period: str, to_period: str, today: dt.date) -> Query:
    """month by default; day and hour only where interval data exists (none yet: issue 12 brings it)."""
    granularity = granularity or MONTH
    if granularity not in GRANULARITIES:
        raise InvalidInput(fields={"granularity": "Допустимо: month, day, hour."})
    if granularity != MONTH:
        raise InvalidInput("Посуточные и почасовые данные для этого лицевого счёта не поступают: доступно "
                           "потребление по месяцам.", code="granularity_unavailable",
                           fields={"granularity": "Выберите month."})
    last = parse_period(to_period, "to") if to_period else today.replace(day=1)
    first = parse_period(from_period, "from") if from_period else add_months(last, 1 - DEFAULT_MONTHS)
    if first > last:
        raise InvalidInput(fields={"from": "Начало периода позже его конца."})
    if months_between(first, last) > MAX_MONTHS:
        raise InvalidInput(fields={"from": f"Не больше {MAX_MONTHS} месяцев за один запрос."})
    return Query(granularity, first, last)


def parse_period(text: str, field: str) -> dt.date:
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(text)
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise InvalidInput(fields={field: "Укажите месяц в виде ГГГГ-ММ."}) from None


def add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    """How many months from first to last, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def month_start(first: dt.date, tz: str) -> dt.datetime:
    """The month's first local midnight in the supplier's zone."""
    return dt.datetime.combine(first, dt.time(), ZoneInfo(tz))


def bounds(query: Query, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """[start of the first month, start of the month after the last) as moments."""
    return month_start(query.first, tz), month_start(add_months(query.last, 1), tz)


def points(query: Query, tz: str, consumption: Iterable[tuple[dt.date, str, Decimal]],
           charged: Mapping[dt.date, int]) -> tuple[Point, ...]:
    """Every month of the range, oldest first: its zones (reading order) and what was charged in it."""
    by_month: dict[dt.date, dict[str, Decimal]] = {}
    for month, zone, kwh in consumption:
        zones = by_month.setdefault(month, {})
        zones[zone] = zones.get(zone, Decimal(0)) + kwh
    order = {code: i for i, code in enumerate(ZONE.codes)}
    result = []
    for i in range(months_between(query.first, query.last)):
        month = add_months(query.first, i)
        start, end = month_start(month, tz), month_start(add_months(month, 1), tz)
        zones = by_month.get(month, {})
        result.append(Point(
            period=month, start=start, duration_seconds=int((end - start).total_seconds()),
            zones=tuple((z, zones[z].quantize(KWH)) for z in sorted(zones, key=lambda z: order.get(z, len(order)))),
            charged_kop=charged.get(month, 0)))
    return tuple(result)


def wh(kwh: Decimal) -> int:
    """kWh as whole Wh (ESPI's unit), half up."""
    return int((kwh * 1000).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
