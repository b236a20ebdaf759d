"""The ledger of a лицевой счёт as the customer reads it: two buckets (energy, penalties), the balance of
each, which debts are still unpaid (oldest first), what is due and what is overdue.

The reference the SQL of `adapters/ledger_store.py` must agree with (a hypothesis test checks it).
Money is integer kopecks; + pays, − owes. Nothing here is stored: remainders are computed from the entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kabinet_vocabulary import LEDGER_BUCKET, LEDGER_ENTRY_KIND

from services.payments.domain import model
from services.payments.domain.model import ENERGY, PENALTIES, Balance, LedgerEntry

DEFAULT_DUE_DAY = 10  # of the month after the period, while the supplier has not said otherwise
BUCKETS = (ENERGY, PENALTIES)


def period_of(day: dt.date) -> dt.date:
    """The billing month (its first day) a date falls in."""
    return day.replace(day=1)


def due_date(period: dt.date, due_day: int | None = None) -> dt.date:
    """When a period's bill is due: the supplier's payment due day (1–28; 10 by default) of the month
    after the period."""
    year, month = (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
    return dt.date(year, month, due_day or DEFAULT_DUE_DAY)


def booked_on(entry: LedgerEntry, zone: dt.tzinfo) -> dt.date:
    """The day an entry counts from: a payment's date as the payer made it, otherwise the supplier's local
    date of its posting."""
    return entry.paid_on or entry.posted_at.astimezone(zone).date()


def effective_due_on(entry: LedgerEntry, *, due_day: int | None, zone: dt.tzinfo) -> dt.date:
    """A debt's due date: its own; one without (a preliminary charge, an opening balance) is due like its
    period's bill — the due day of the month after its period, or after the month it was posted in."""
    if entry.due_on is not None:
        return entry.due_on
    return due_date(entry.period or period_of(entry.posted_at.astimezone(zone).date()), due_day)


@dataclass(frozen=True)
class Posting:
    """An entry as allocation sees it: its bucket, amount, effective due date and order."""

    entry_id: str
    bucket: str
    amount_kop: int
    due_on: dt.date
    posted_at: dt.datetime
    reverses: str | None = None

    @classmethod
    def of(cls, entry: LedgerEntry, *, due_day: int | None = None, zone: dt.tzinfo = model.BILLING_ZONE) -> Posting:
        return cls(entry_id=entry.entry_id, bucket=entry.bucket, amount_kop=entry.amount_kop,
                   due_on=effective_due_on(entry, due_day=due_day, zone=zone), posted_at=entry.posted_at,
                   reverses=entry.reverses)

    @property
    def order(self) -> tuple:
        """Oldest first: by due date, then posting time (then id, so that the order is total)."""
        return (self.due_on, self.posted_at, self.entry_id)


@dataclass(frozen=True)
class Debt:
    """A debt (a negative entry) and what of it is still unpaid."""

    entry_id: str
    bucket: str
    due_on: dt.date
    posted_at: dt.datetime
    owed_kop: int
    remainder_kop: int


def net_of_reversals(postings: Iterable[Posting]) -> list[Posting]:
    """A reversal cancels the entry it reverses (a final charge's run reverses the preliminary ones): the
    pair counts as one entry of their net amount, where the reversed one stands in the order. A reversal
    whose entry is not among `postings` counts as money paid in."""
    postings = list(postings)
    present = {p.entry_id for p in postings}
    reversal_of: dict[str, int] = {}
    for p in postings:
        if p.reverses is not None and p.reverses in present:
            reversal_of[p.reverses] = reversal_of.get(p.reverses, 0) + p.amount_kop
    return [Posting(p.entry_id, p.bucket, p.amount_kop + reversal_of.get(p.entry_id, 0), p.due_on, p.posted_at,
                    None)
            for p in postings if not (p.reverses is not None and p.reverses in present)]


def allocate(postings: Iterable[Posting], bucket: str) -> list[Debt]:
    """Oldest first within a bucket: the money paid in (payments, credits, reversals, positive openings) pays
    the debts in order of due date, then posting time. The unpaid remainder of debt i is
    clamp(cumulative_owed_i − paid_total, 0, owed_i). Money of the other bucket pays nothing here: an energy
    overpayment does not pay penalties, nor the other way round. Debts in that order."""
    mine = [p for p in net_of_reversals(postings) if p.bucket == bucket]
    paid = sum(p.amount_kop for p in mine if p.amount_kop > 0)
    debts = []
    owed_so_far = 0
    for p in sorted((p for p in mine if p.amount_kop < 0), key=lambda p: p.order):
        owed = -p.amount_kop
        owed_so_far += owed
        debts.append(Debt(entry_id=p.entry_id, bucket=bucket, due_on=p.due_on, posted_at=p.posted_at,
                          owed_kop=owed, remainder_kop=max(0, min(owed, owed_so_far - paid))))
    return debts


def bucket_balance_kop(postings: Iterable[Posting], bucket: str) -> int:
    """The balance of a bucket: the sum of its entries."""
    return sum(p.amount_kop for p in postings if p.bucket == bucket)


def overdue(debts: Iterable[Debt], today: dt.date) -> list[Debt]:
    """The unpaid remainders whose due date is before today (просрочено)."""
    return [d for d in debts if d.remainder_kop > 0 and d.due_on < today]


@dataclass(frozen=True)
class AccountBalance:
    """Баланс лицевого счёта by bucket: energy and penalties are owed and paid separately. Its state (the
    colour on the page) is that of the whole balance, as `model.Balance` says; the amount due is per bucket,
    so an energy overpayment leaves penalties due."""

    account_id: str
    energy_kop: int
    penalties_kop: int
    amount_due_energy_kop: int
    amount_due_penalties_kop: int
    overdue_kop: int  # energy debt past its due date (the orange «!»)
    due_on: dt.date | None  # of the oldest unpaid energy debt
    overdue_since: dt.date | None  # the due date of the oldest overdue energy debt

    @property
    def balance_kop(self) -> int:
        return self.energy_kop + self.penalties_kop

    @property
    def state(self) -> str:
        return Balance(self.account_id, self.balance_kop).state

    @property
    def amount_due_kop(self) -> int:
        """К оплате: what is owed for energy plus what is owed in penalties."""
        return self.amount_due_energy_kop + self.amount_due_penalties_kop

    @property
    def is_overdue(self) -> bool:
        return self.overdue_kop > 0


def account_balance(account_id: str, postings: Sequence[Posting], today: dt.date) -> AccountBalance:
    """The balance of an account as of `today` (the supplier's local date) from its ledger."""
    energy, penalties = allocate(postings, ENERGY), allocate(postings, PENALTIES)
    unpaid = [d for d in energy if d.remainder_kop > 0]
    late = overdue(energy, today)
    return AccountBalance(
        account_id=account_id, energy_kop=bucket_balance_kop(postings, ENERGY),
        penalties_kop=bucket_balance_kop(postings, PENALTIES),
        amount_due_energy_kop=sum(d.remainder_kop for d in energy),
        amount_due_penalties_kop=sum(d.remainder_kop for d in penalties),
        overdue_kop=sum(d.remainder_kop for d in late),
        due_on=min((d.due_on for d in unpaid), default=None),
        overdue_since=min((d.due_on for d in late), default=None))


# --- the ledger list -------------------------------------------------------------------------------------

MAX_PAGE = 200
DEFAULT_PAGE = 50


def page_size(requested: int) -> int:
    """Entries per page: 50 unless asked, at most 200."""
    return DEFAULT_PAGE if requested <= 0 else min(requested, MAX_PAGE)


def description(entry: LedgerEntry) -> str:
    """What a customer reads in the list: the entry's own text, or the title of its kind (and bucket)."""
    if entry.description:
        return entry.description
    title = LEDGER_ENTRY_KIND.title(entry.kind)
    if entry.bucket == PENALTIES and entry.kind != model.PENALTY:
        return f"{title} ({LEDGER_BUCKET.title(PENALTIES).lower()})"
    return title
