"""Пени (ЖК РФ ст. 155 ч. 14): a daily accrual on the overdue remainders of energy debts.

On day d of delay (counted from the day after the due date) of a debt's unpaid remainder: nothing for
days 1–30, remainder × key rate / 300 / 100 for days 31–90, remainder × key rate / 130 / 100 from day 91.
The key rate is the one in force on the accrual day; a moratorium day accrues nothing. Per account and
day the amounts of its debts are summed exactly and rounded half up to the kopeck.

The reference the SQL of `adapters/penalty_store.py` must agree with.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from kit.errors import InvalidInput
from services.payments.domain.ledger import Debt
from services.payments.domain.model import ENERGY, in_force, parse_decimal, parse_local_date

GRACE_DAYS = 30  # days 1–30 of delay: nothing
FIRST_RATE_UNTIL = 90  # days 31–90: 1/300 of the key rate
FIRST_RATE = Fraction(1, 300)
SECOND_RATE = Fraction(1, 130)  # from day 91
RATE_STEP = Decimal("0.001")  # key rates are percent with up to 3 decimals
MAX_RATE = Decimal("100")
MAX_TITLE = 500


def day_of_delay(due_on: dt.date, day: dt.date) -> int:
    """Which day of delay `day` is for a debt due on `due_on`: 1 the day after the due date; ≤ 0 before."""
    return (day - due_on).days


def rate_fraction(delay: int) -> Fraction:
    """The share of the key rate per day of delay: 0 for days 1–30, 1/300 for days 31–90, 1/130 from day 91."""
    if delay <= GRACE_DAYS:
        return Fraction(0)
    return FIRST_RATE if delay <= FIRST_RATE_UNTIL else SECOND_RATE


@dataclass(frozen=True)
class KeyRate:
    """Ключевая ставка ЦБ РФ, percent per year, in force from valid_from until the next version."""

    valid_from: dt.date
    rate_percent: Decimal


@dataclass(frozen=True)
class Moratorium:
    """Мораторий: no penalties accrue on its days, valid_from to valid_until inclusive."""

    moratorium_id: str
    valid_from: dt.date
    valid_until: dt.date
    title: str

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until


def key_rate_on(rates: Iterable[KeyRate], day: dt.date) -> Decimal | None:
    """The key rate in force on a day; None before the first one."""
    found = in_force(rates, day)
    return found.rate_percent if found else None


def in_moratorium(moratoria: Iterable[Moratorium], day: dt.date) -> bool:
    return any(m.covers(day) for m in moratoria)


def round_half_up(amount: Fraction) -> int:
    """To the whole kopeck, half a kopeck up (amounts here are never negative)."""
    return int((amount + Fraction(1, 2)) // 1)


def daily_penalty(debts: Iterable[Debt], day: dt.date, rate_percent: Decimal | None) -> tuple[int, int]:
    """(base, amount) of one account's accrual for one day: base = the unpaid energy remainders in their
    31st day of delay or later; amount = Σ remainder × key rate / 100 × rate_fraction(delay), summed exactly
    and rounded half up to the kopeck. (0, 0) without a key rate in force."""
    if rate_percent is None:
        return 0, 0
    base, exact = 0, Fraction(0)
    for debt in debts:
        share = rate_fraction(day_of_delay(debt.due_on, day))
        if debt.remainder_kop > 0 and share:
            base += debt.remainder_kop
            exact += debt.remainder_kop * Fraction(rate_percent) / 100 * share
    return base, round_half_up(exact)


def penalty_for_day(debts: Iterable[Debt], day: dt.date, rates: Iterable[KeyRate],
                    moratoria: Iterable[Moratorium]) -> tuple[int, int]:
    """`daily_penalty` with the key rate in force on the day; nothing on a moratorium day."""
    if in_moratorium(moratoria, day):
        return 0, 0
    return daily_penalty(debts, day, key_rate_on(rates, day))


# --- what the accrual tells customers ---------------------------------------------------------------------

NOTICE_WINDOW = dt.timedelta(days=7)  # older days are accrued silently (see `told`)


def told(day: dt.date, today: dt.date) -> bool:
    """Whether the accrual of `day` tells customers (payments.debt.overdue, payments.penalties.accrued): days
    within a week before the supplier's today (a catch-up after the worker was down) and later ones (the test
    clock). A first run over imported history, or a supplier onboarded with old debts, tells nothing of the past."""
    return day >= today - NOTICE_WINDOW


def overdue_on(debts: Iterable[Debt], day: dt.date) -> int:
    """payments.debt.overdue of the accrual of `day` (the due date itself, so a daily run through yesterday tells it
    on the day after): when an energy debt due on `day` still has a remainder at the end of it, the overdue energy
    remainders then (due on `day` or before); 0 — nothing to tell — otherwise. Once per account and due date."""
    energy = [d for d in debts if d.bucket == ENERGY and d.remainder_kop > 0]
    if not any(d.due_on == day for d in energy):
        return 0
    return sum(d.remainder_kop for d in energy if d.due_on <= day)


def closes_month(day: dt.date) -> bool:
    """The month's last day: its accrual tells each account its month's penalties (payments.penalties.accrued),
    once, when they are above zero."""
    return (day + dt.timedelta(days=1)).day == 1


# --- staff settings --------------------------------------------------------------------------------------

BAD_DATE = "Укажите дату в формате ГГГГ-ММ-ДД."


def new_key_rate(*, valid_from: str, rate_percent: str) -> KeyRate:
    """A key rate as staff enter it: a date, and percent per year > 0, at most 100, at most 3 decimals
    (a point or a comma). Every problem at once (`invalid_key_rate`)."""
    problems = {}
    day = parse_local_date(valid_from)
    if day is None:
        problems["valid_from"] = BAD_DATE
    rate = parse_decimal(rate_percent)
    if rate is None:
        problems["rate_percent"] = "Укажите ставку числом, например 16.5."
    elif not rate.is_finite() or rate <= 0 or rate > MAX_RATE:
        problems["rate_percent"] = "Ставка — больше 0 и не больше 100 % годовых."
    elif rate != rate.quantize(RATE_STEP):
        problems["rate_percent"] = "Не больше 3 знаков после запятой."
    if problems:
        raise InvalidInput("Проверьте ключевую ставку.", code="invalid_key_rate", fields=problems)
    return KeyRate(valid_from=day, rate_percent=rate.quantize(RATE_STEP))


def new_moratorium(*, moratorium_id: str, valid_from: str, valid_until: str, title: str) -> Moratorium:
    """A moratorium as staff declare it: its first and last day (not before the first) and a title (the
    decree), 1–500 characters; a new one gets an id. Every problem at once (`invalid_moratorium`)."""
    problems = {}
    if moratorium_id:
        try:
            moratorium_id = str(uuid.UUID(moratorium_id))
        except ValueError:
            problems["moratorium_id"] = "Неверный идентификатор."
    first, last = parse_local_date(valid_from), parse_local_date(valid_until)
    if first is None:
        problems["valid_from"] = BAD_DATE
    if last is None:
        problems["valid_until"] = BAD_DATE
    elif first is not None and last < first:
        problems["valid_until"] = "Последний день не раньше первого."
    title = (title or "").strip()
    if not 1 <= len(title) <= MAX_TITLE:
        problems["title"] = f"Укажите основание: от 1 до {MAX_TITLE} символов."
    if problems:
        raise InvalidInput("Проверьте мораторий.", code="invalid_moratorium", fields=problems)
    return Moratorium(moratorium_id=moratorium_id or str(uuid.uuid4()), valid_from=first, valid_until=last,
                      title=title)
