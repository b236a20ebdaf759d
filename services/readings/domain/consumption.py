"""Consumption series: which readings count, how months are cut, and the points of a chart.

A month's consumption is the sum of the consumption of the readings taken in that month of the supplier's
calendar, per zone (over the account's meters, or one meter). A reading's consumption is counted against the
previous reading of the same meter, so a new meter's first reading (a replacement) is a baseline that counts
nothing, and a corrected reading counts once: only accepted and billed readings count (`model.COUNTED`),
superseded and rejected ones never. A reading is not spread over the months it covers: it belongs to the month it was taken in.

By day and by hour the series comes from hourly values (the АИИС КУЭ feed and accepted interval profiles), cut
at the supplier's local midnights and hours, each hour in its meter's tariff zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from kabinet_vocabulary import ZONE

from kit.errors import InvalidInput
from services.readings.domain import windows

MONTH, DAY, HOUR = "month", "day", "hour"
GRANULARITIES = (MONTH, DAY, HOUR)
DEFAULT_MONTHS = 12
MAX_MONTHS = 36
MAX_MONTHS_OF = {MONTH: MAX_MONTHS, DAY: 12, HOUR: 1}
KWH = Decimal("0.001")


@dataclass(frozen=True)
class Point:
    period: dt.date                       # the month's first day
    start: dt.datetime                    # its first local midnight
    duration_seconds: int
    zones: tuple[tuple[str, Decimal], ...]  # in reading order
    charged_kop: int
    label: str = ""                       # the point's name: YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:00 (local)

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
    """A month range of the supplier's calendar: by month at most 36 (by default the 12 ending this month), by day
    at most 12 and by hour 1 (by default this month) — a chart's worth of points (≤ 366 days, ≤ 744 hours)."""
    granularity = granularity or MONTH
    if granularity not in GRANULARITIES:
        raise InvalidInput(fields={"granularity": "Допустимо: month, day, hour."})
    last = parse_period(to_period, "to") if to_period else today.replace(day=1)
    default_months = DEFAULT_MONTHS if granularity == MONTH else 1
    first = parse_period(from_period, "from") if from_period else add_months(last, 1 - default_months)
    if first > last:
        raise InvalidInput(fields={"from": "Начало периода позже его конца."})
    most = MAX_MONTHS_OF[granularity]
    if months_between(first, last) > most:
        raise InvalidInput(fields={"from": f"Не больше {most} {_months_word(most)} за один запрос"
                                           f"{'' if granularity == MONTH else ' с такой детализацией'}."})
    return Query(granularity, first, last)


def require_hourly(available: bool) -> None:
    """Day and hour come from hourly values (АИИС КУЭ, accepted interval profiles); an account without any has
    only months."""
    if not available:
        raise InvalidInput("Посуточные и почасовые данные для этого лицевого счёта не поступают: доступно "
                           "потребление по месяцам.", code="granularity_unavailable",
                           fields={"granularity": "Выберите потребление по месяцам."})


def _months_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "месяца"
    return "месяцев"


def parse_period(text: str, field: str) -> dt.date:
    period = windows.parse_period(text)
    if period is None:
        raise InvalidInput(fields={field: "Укажите месяц в виде ГГГГ-ММ."})
    return period


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
    result = []
    for i in range(months_between(query.first, query.last)):
        month = add_months(query.first, i)
        start, end = month_start(month, tz), month_start(add_months(month, 1), tz)
        zones = by_month.get(month, {})
        result.append(Point(
            period=month, start=start, duration_seconds=int((end - start).total_seconds()),
            zones=_ordered(zones), charged_kop=charged.get(month, 0), label=f"{month:%Y-%m}"))
    return tuple(result)


def _ordered(zones: Mapping[str, Decimal]) -> tuple[tuple[str, Decimal], ...]:
    order = {code: i for i, code in enumerate(ZONE.codes)}
    return tuple((z, zones[z].quantize(KWH)) for z in sorted(zones, key=lambda z: order.get(z, len(order))))


def zone_of_hour(hour: int, zones: int) -> str:
    """The tariff zone of a local hour for a meter with this many zones (DESIGN.md §5 «Tariffs»): night 23–07;
    peak 07–10 and 17–21, semi-peak the rest of the day; day = peak + semi-peak."""
    if zones == 1:
        return ZONE.TOTAL
    if hour >= 23 or hour < 7:
        return ZONE.NIGHT
    if zones == 2:
        return ZONE.DAY
    return ZONE.PEAK if 7 <= hour < 10 or 17 <= hour < 21 else ZONE.SEMI_PEAK


def hourly_points(query: Query, tz: str, used: Iterable[tuple[str, dt.date, int, Decimal]],
                  zones_of: Mapping[str, int]) -> tuple[Point, ...]:
    """Every local day (or hour) of the range, oldest first, from hourly values grouped by (meter, local date,
    local hour): each hour in its meter's tariff zone (a meter the account no longer has counts as one-zone)."""
    by_key: dict[tuple, dict[str, Decimal]] = {}
    for meter_id, day, hour, kwh in used:
        key = (day,) if query.granularity == DAY else (day, hour)
        zone = zone_of_hour(hour, zones_of.get(meter_id, 1))
        bucket = by_key.setdefault(key, {})
        bucket[zone] = bucket.get(zone, Decimal(0)) + kwh
    start, end = bounds(query, tz)
    return tuple(Point(period=key[0], start=begin, duration_seconds=int((finish - begin).total_seconds()),
                       zones=_ordered(by_key.get(key, {})), charged_kop=0, label=label)
                 for key, begin, finish, label in _slots(query.granularity, start, end, tz))


def _slots(granularity: str, start: dt.datetime, end: dt.datetime, tz: str):
    """(key, start, end, label) of each local day or hour in [start, end)."""
    zone = ZoneInfo(tz)
    if granularity == DAY:
        day = start.astimezone(zone).date()
        while (begin := dt.datetime.combine(day, dt.time(), zone)) < end:
            finish = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
            yield (day,), begin, finish, f"{day:%Y-%m-%d}"
            day += dt.timedelta(days=1)
        return
    moment = start.astimezone(dt.UTC)
    while moment < end:
        local = moment.astimezone(zone)
        yield (local.date(), local.hour), local, local + dt.timedelta(hours=1), f"{local:%Y-%m-%dT%H}:00"
        moment += dt.timedelta(hours=1)


def wh(kwh: Decimal) -> int:
    """kWh as whole Wh (ESPI's unit), half up."""
    return int((kwh * 1000).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
