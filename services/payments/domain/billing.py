"""Закрытие периода: the rules of the billing run, in plain Python.

The run itself is set-based SQL (`adapters/billing_store.py`); this module is the reference it must
agree with, pinned by worked examples (tests/unit/test_billing_rules.py) and compared with the SQL on
real accounts (tests/integration/test_billing_run.py).

A period (расчётный период) is a calendar month of the supplier's local calendar, carried as its
first day. Consumption is billed kWh (metered × КТ), Decimal; money is integer kopecks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kabinet_vocabulary import BILLING_BASIS, BILLING_RUN_STATUS

from kit.errors import InvalidInput, Rejected
from services.payments.domain.model import Supplier, Tariff, in_force, line_amount_kop, local_date

READINGS, AVERAGE, NORM = BILLING_BASIS.READINGS, BILLING_BASIS.AVERAGE, BILLING_BASIS.NORM
RUNNING, DONE, FAILED = BILLING_RUN_STATUS.RUNNING, BILLING_RUN_STATUS.DONE, BILLING_RUN_STATUS.FAILED

DEFAULT_DUE_DAY = 10  # of the month after the period, when the supplier names none
AVERAGE_MIN_PERIODS = 6  # periods billed by readings, at least, for an average
AVERAGE_WINDOW = 12  # … among the last 12 periods
AVERAGE_MAX_RUN = 3  # an average bills at most 3 consecutive periods; then the norm
KWH_STEP = Decimal("0.001")

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь")

Zone = tuple[int, str]  # (the meter's zone count, the zone): (1, "total"), (2, "night"), …


# --- periods ----------------------------------------------------------------------

def period_of(moment: dt.datetime, supplier: Supplier | None = None) -> dt.date:
    """The billing month (its first day) of a moment: the month of its local date in the supplier's zone."""
    return local_date(moment, supplier).replace(day=1)


def parse_period(text: str) -> dt.date | None:
    """"YYYY-MM" as the API carries a period -> its first day; None if it is not one."""
    if not re.fullmatch(r"\d{4}-\d{2}", text or ""):
        return None
    year, month = int(text[:4]), int(text[5:])
    return dt.date(year, month, 1) if 1 <= month <= 12 and year >= 2000 else None


def period_text(period: dt.date) -> str:
    return f"{period.year:04d}-{period.month:02d}"


def period_title(period: dt.date) -> str:
    """"ноябрь 2026", as the ledger and the invoice name a period."""
    return f"{MONTHS[period.month - 1]} {period.year}"


def add_months(period: dt.date, months: int) -> dt.date:
    index = period.year * 12 + period.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def next_period(period: dt.date) -> dt.date:
    return add_months(period, 1)


def last_day(period: dt.date) -> dt.date:
    return next_period(period) - dt.timedelta(days=1)


def days_in(period: dt.date) -> int:
    return last_day(period).day


def period_ended(period: dt.date, today: dt.date) -> bool:
    """A period can be billed from the day after its last day (the supplier's local "today")."""
    return today >= next_period(period)


def previous_period(today: dt.date) -> dt.date:
    """The period the schedule bills on `today`: the month before today's."""
    return add_months(today.replace(day=1), -1)


def due_date(period: dt.date, payment_due_day: int | None) -> dt.date:
    """Срок оплаты: the supplier's payment due day (1–28; default 10) of the month after the period."""
    return next_period(period).replace(day=payment_due_day or DEFAULT_DUE_DAY)


def open_period(period: dt.date, billed: Iterable[dt.date]) -> dt.date:
    """The period a charge of `period` is booked to: itself while it is not billed; otherwise the first
    later period without a run (a late correction becomes an adjustment there, the past is not edited)."""
    closed = set(billed)
    while period in closed:
        period = next_period(period)
    return period


# --- the basis: readings, else the average, else the norm ---------------------------------------

@dataclass(frozen=True)
class PastCharge:
    """A final charge of an earlier period, as the choice of basis sees it."""

    period: dt.date
    basis: str
    usage: Mapping[Zone, Decimal]  # billed kWh by (zone count, zone)


def choose_basis(period: dt.date, *, has_readings: bool, history: Sequence[PastCharge],
                 norm_available: bool) -> str | None:
    """By readings when the period has any; else the average monthly consumption when at least 6 of the
    last 12 periods were billed by readings and the 3 periods just before were not all billed by the
    average (it bills at most 3 in a row); else the norm; None when there is no basis at all."""
    if has_readings:
        return READINGS
    if average_allowed(period, history):
        return AVERAGE
    return NORM if norm_available else None


def average_allowed(period: dt.date, history: Sequence[PastCharge]) -> bool:
    by_period = {c.period: c for c in history}
    window = [by_period.get(add_months(period, -i)) for i in range(1, AVERAGE_WINDOW + 1)]
    by_readings = sum(1 for c in window if c is not None and c.basis == READINGS)
    streak = all(c is not None and c.basis == AVERAGE for c in window[:AVERAGE_MAX_RUN])
    return by_readings >= AVERAGE_MIN_PERIODS and not streak


def average_usage(period: dt.date, history: Sequence[PastCharge]) -> dict[Zone, Decimal]:
    """Среднемесячный расход: per zone, the kWh of the periods billed by readings among the last 12,
    summed and divided by their number (a zone a period lacks counts as 0 there), half up to 0.001 kWh."""
    window = {add_months(period, -i) for i in range(1, AVERAGE_WINDOW + 1)}
    used = [c for c in history if c.period in window and c.basis == READINGS]
    totals: dict[Zone, Decimal] = {}
    for charge in used:
        for zone, kwh in charge.usage.items():
            totals[zone] = totals.get(zone, Decimal(0)) + kwh
    return {zone: (kwh / len(used)).quantize(KWH_STEP, rounding=ROUND_HALF_UP) for zone, kwh in sorted(totals.items())}


def norm_usage(kwh_per_month_per_resident: Decimal, residents: int) -> dict[Zone, Decimal]:
    """By the norm: kWh per month per resident × residents, priced as one-zone (round the clock)."""
    return {(1, "total"): kwh_per_month_per_resident * residents}


# --- pricing: the tariffs of the period's days ----------------------------------------------

@dataclass(frozen=True)
class Segment:
    """Days of the period at one tariff."""

    tariff: Tariff
    first_day: dt.date
    days: int


def tariff_segments(versions: Iterable[Tariff], period: dt.date) -> list[Segment]:
    """The tariff versions (of one supplier and category) in force on the period's days, in order, with
    their days. Every day needs one: `tariff_not_found` otherwise."""
    versions = list(versions)
    start, end = period, last_day(period)
    first = in_force(versions, start)
    if first is None:
        raise Rejected(f"Нет тарифа на {start.isoformat()}.", code="tariff_not_found")
    changes = sorted((v for v in versions if start < v.valid_from <= end), key=lambda v: v.valid_from)
    segments, current, since = [], first, start
    for change in changes:
        segments.append(Segment(current, since, (change.valid_from - since).days))
        current, since = change, change.valid_from
    segments.append(Segment(current, since, (end - since).days + 1))
    return segments


def split_kwh(kwh: Decimal, days: Sequence[int]) -> list[Decimal]:
    """A zone's kWh shared out over the tariffs' days: kWh × days_at_tariff / days_in_period, rounded
    half up to 0.001 kWh cumulatively (share i = round(kWh × days up to i / all days) − the same up to
    i − 1), so the shares add up to the kWh exactly; the last cumulative share is the kWh itself."""
    total = sum(days)
    shares, before, covered = [], Decimal(0), 0
    for d in days:
        covered += d
        upto = kwh if covered == total else (kwh * covered / total).quantize(KWH_STEP, rounding=ROUND_HALF_UP)
        shares.append(upto - before)
        before = upto
    return shares


@dataclass(frozen=True)
class FinalLine:
    zones: int
    zone: str
    tariff_id: str
    days: int
    consumption: Decimal  # billed kWh of these days
    price_rub: Decimal
    amount_kop: int


def final_lines(usage: Mapping[Zone, Decimal], segments: Sequence[Segment]) -> list[FinalLine]:
    """Per zone and tariff segment: the kWh share (`split_kwh`) × the zone's price, each line rounded half
    up to the kopeck (`model.line_amount_kop`), in the order zone set, zone, day. A zone set the tariff
    of some days does not price: `tariff_zones_missing`."""
    lines = []
    for (zones, zone), kwh in sorted(usage.items()):
        for segment, share in zip(segments, split_kwh(kwh, [s.days for s in segments]), strict=True):
            price = segment.tariff.prices.get(zones, {}).get(zone)
            if price is None:
                raise Rejected(f"В тарифе нет цен для {zones}-зонного учёта.", code="tariff_zones_missing")
            lines.append(FinalLine(zones, zone, segment.tariff.tariff_id, segment.days, share, price,
                                   line_amount_kop(share, Decimal(1), price)))
    return lines


@dataclass(frozen=True)
class FinalCharge:
    """Окончательное начисление of an account for a period."""

    account_id: str
    period: dt.date
    basis: str
    lines: tuple[FinalLine, ...]

    @property
    def amount_kop(self) -> int:
        return sum(line.amount_kop for line in self.lines)


@dataclass(frozen=True)
class AccountToBill:
    """What the run knows of an account for one period."""

    account_id: str
    category: str
    residents: int | None
    readings_usage: Mapping[Zone, Decimal]  # the period's preliminary charges, summed by zone; {} without
    history: Sequence[PastCharge] = ()
    norm_kwh_per_resident: Decimal | None = None  # in force on the period's last day, for `residents`


def bill_account(account: AccountToBill, period: dt.date, tariffs: Iterable[Tariff]) -> FinalCharge:
    """The final charge of an account for a period (the reference of the run's SQL): the basis, its
    usage, the tariffs of the period's days, the lines. Rejected (`no_basis`, `tariff_not_found`,
    `tariff_zones_missing`) means the run skips the account with that reason."""
    norm = account.norm_kwh_per_resident is not None and bool(account.residents)
    basis = choose_basis(period, has_readings=bool(account.readings_usage), history=account.history,
                         norm_available=norm)
    if basis is None:
        raise Rejected("Нет показаний, истории для среднего и норматива.", code="no_basis")
    usage = (account.readings_usage if basis == READINGS
             else average_usage(period, account.history) if basis == AVERAGE
             else norm_usage(account.norm_kwh_per_resident, account.residents))
    segments = tariff_segments((t for t in tariffs if t.category == account.category), period)
    return FinalCharge(account.account_id, period, basis, tuple(final_lines(usage, segments)))


# --- the staff's request ------------------------------------------------------------------------

@dataclass(frozen=True)
class RunRequest:
    supplier_id: str
    period: dt.date
    as_of: dt.date | None  # None: today


def run_request(supplier_id: str, period: str, as_of: str, *, is_uuid) -> RunRequest:
    """A start request's fields, every problem at once (`invalid_input`)."""
    problems = {}
    if not is_uuid(supplier_id):
        problems["supplier_id"] = "Укажите идентификатор поставщика."
    month = parse_period(period)
    if month is None:
        problems["period"] = "Период — месяц в виде ГГГГ-ММ."
    day = None
    if as_of:
        try:
            day = dt.date.fromisoformat(as_of) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of) else None
        except ValueError:
            day = None
        if day is None:
            problems["as_of"] = "Дата — ГГГГ-ММ-ДД."
    if problems:
        raise InvalidInput("Проверьте параметры расчёта.", code="invalid_input", fields=problems)
    return RunRequest(supplier_id, month, day)


def ensure_period_ended(period: dt.date, today: dt.date) -> None:
    if not period_ended(period, today):
        raise Rejected(f"Период {period_text(period)} ещё не закончился (сегодня {today.isoformat()}).",
                       code="period_open")
