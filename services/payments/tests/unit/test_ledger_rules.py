"""The ledger's rules: two buckets, oldest debt first within a bucket, due dates, overdue debt, the balance —
worked examples with the numbers written out, and the invariants as hypothesis properties."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from services.payments.domain.ledger import (
    Posting,
    account_balance,
    allocate,
    bucket_balance_kop,
    description,
    due_date,
    effective_due_on,
    net_of_reversals,
    page_size,
)
from services.payments.domain.model import ENERGY, PENALTIES, LedgerEntry

ACCOUNT = "b96f0cb8-a399-516a-b116-c9c892ea28e0"
T0 = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
MSK = dt.timezone(dt.timedelta(hours=3))


def at(days: int) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def posting(n: int, amount: int, due: dt.date = dt.date(2026, 1, 10), bucket: str = ENERGY, posted: int = 0,
            reverses: str | None = None) -> Posting:
    return Posting(entry_id=f"00000000-0000-0000-0000-{n:012d}", bucket=bucket, amount_kop=amount, due_on=due,
                   posted_at=at(posted), reverses=reverses)


# --- worked examples --------------------------------------------------------------------------------------

def test_a_payment_pays_the_oldest_debt_first_within_its_bucket():
    # November: 1 500,00 ₽ due 2025-12-10; December: 1 200,00 ₽ due 2026-01-10; penalties 50,00 ₽.
    # A payment of 2 000,00 ₽ for energy pays November whole (1 500,00) and 500,00 of December: 700,00 ₽ stay.
    ledger = [posting(1, -150_000, dt.date(2025, 12, 10)), posting(2, -120_000, dt.date(2026, 1, 10), posted=1),
              posting(3, -5_000, dt.date(2026, 1, 5), PENALTIES), posting(4, 200_000, posted=20)]
    assert [(d.owed_kop, d.remainder_kop) for d in allocate(ledger, ENERGY)] == [(150_000, 0), (120_000, 70_000)]
    assert [(d.owed_kop, d.remainder_kop) for d in allocate(ledger, PENALTIES)] == [(5_000, 5_000)]
    balance = account_balance(ACCOUNT, ledger, today=dt.date(2026, 1, 20))
    # energy −700,00, penalties −50,00: the whole balance −750,00 ₽ (debt), due 700,00 + 50,00;
    # December's 700,00 ₽ were due 2026-01-10: overdue on the 20th
    assert (balance.energy_kop, balance.penalties_kop, balance.balance_kop, balance.state) == (
        -70_000, -5_000, -75_000, "debt")
    assert (balance.amount_due_energy_kop, balance.amount_due_penalties_kop, balance.amount_due_kop) == (
        70_000, 5_000, 75_000)
    assert (balance.overdue_kop, balance.due_on, balance.overdue_since) == (
        70_000, dt.date(2026, 1, 10), dt.date(2026, 1, 10))
    # on the 10th itself nothing is overdue yet
    assert account_balance(ACCOUNT, ledger, today=dt.date(2026, 1, 10)).overdue_kop == 0


def test_an_energy_overpayment_does_not_pay_penalties():
    # energy 1 200,00 ₽ owed, 1 500,00 ₽ paid: +300,00 ₽ energy; penalties −50,00 ₽ stay due.
    ledger = [posting(1, -120_000), posting(2, -5_000, bucket=PENALTIES), posting(3, 150_000, posted=3)]
    balance = account_balance(ACCOUNT, ledger, today=dt.date(2026, 2, 1))
    assert (balance.energy_kop, balance.penalties_kop, balance.balance_kop, balance.state) == (
        30_000, -5_000, 25_000, "overpayment")
    assert (balance.amount_due_energy_kop, balance.amount_due_penalties_kop, balance.amount_due_kop) == (
        0, 5_000, 5_000)
    assert (balance.overdue_kop, balance.due_on, balance.overdue_since) == (0, None, None)


def test_a_reversal_cancels_the_entry_it_reverses_where_it_stands():
    # An old overdue debt of 100,00 ₽, a preliminary charge of 80,00 ₽ and its reversal by the final charge of
    # 90,00 ₽: the reversal does not pay the old debt; the old debt stays overdue, the final one is owed.
    ledger = [posting(1, -10_000, dt.date(2025, 12, 10)), posting(2, -8_000, dt.date(2026, 2, 10), posted=5),
              posting(3, 8_000, posted=31, reverses=posting(2, 0).entry_id),
              posting(4, -9_000, dt.date(2026, 2, 10), posted=31)]
    assert [(d.owed_kop, d.remainder_kop) for d in allocate(ledger, ENERGY)] == [(10_000, 10_000), (9_000, 9_000)]
    assert account_balance(ACCOUNT, ledger, today=dt.date(2026, 2, 1)).overdue_kop == 10_000


def test_a_debt_without_its_own_due_date_is_due_like_its_period_s_bill():
    # a preliminary charge posted 2026-11-20 (Moscow) is due on the supplier's day of December: the 10th by default
    charge = LedgerEntry(account_id=ACCOUNT, kind="charge", amount_kop=-8_703,
                         posted_at=dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
    assert effective_due_on(charge, due_day=None, zone=MSK) == dt.date(2026, 12, 10)
    assert effective_due_on(charge, due_day=25, zone=MSK) == dt.date(2026, 12, 25)
    # posted at 22:30 UTC on 31 December is 1 January in Moscow: due 10 February
    late = LedgerEntry(account_id=ACCOUNT, kind="charge", amount_kop=-1,
                       posted_at=dt.datetime(2025, 12, 31, 22, 30, tzinfo=dt.UTC))
    assert effective_due_on(late, due_day=None, zone=MSK) == dt.date(2026, 2, 10)
    assert due_date(dt.date(2026, 12, 1), 10) == dt.date(2027, 1, 10)
    dated = LedgerEntry(account_id=ACCOUNT, kind="opening", amount_kop=-1, posted_at=T0, due_on=dt.date(2025, 3, 10))
    assert effective_due_on(dated, due_day=None, zone=MSK) == dt.date(2025, 3, 10)


def test_the_ledger_list_describes_entries_and_pages_at_most_200():
    assert description(LedgerEntry(account_id=ACCOUNT, kind="payment", amount_kop=1, posted_at=T0)) == "Оплата"
    assert description(LedgerEntry(account_id=ACCOUNT, kind="payment", amount_kop=1, posted_at=T0,
                                   bucket=PENALTIES)) == "Оплата (пени)"
    assert description(LedgerEntry(account_id=ACCOUNT, kind="penalty", amount_kop=-1, posted_at=T0,
                                   bucket=PENALTIES, description="Пени за 10.02.2026")) == "Пени за 10.02.2026"
    assert [page_size(n) for n in (-1, 0, 1, 50, 200, 201)] == [50, 50, 1, 50, 200, 200]


# --- properties ---------------------------------------------------------------------------------------------

@st.composite
def ledgers(draw, max_size: int = 25) -> list[Posting]:
    """Random ledgers of both buckets: debts with due dates (ties too), money paid in, and reversals."""
    n = draw(st.integers(0, max_size))
    out: list[Posting] = []
    for i in range(n):
        bucket = draw(st.sampled_from((ENERGY, PENALTIES)))
        amount = draw(st.integers(-500_000, 500_000).filter(bool))
        due = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 120)))
        posted = draw(st.integers(0, 10))
        reverses = None
        if out and draw(st.booleans()) and draw(st.booleans()):
            target = draw(st.sampled_from(out))
            if target.reverses is None and all(p.reverses != target.entry_id for p in out):
                reverses, amount, bucket = target.entry_id, -target.amount_kop, target.bucket
        out.append(posting(i, amount, due, bucket, posted, reverses))
    return out


@given(ledgers(), st.dates(dt.date(2026, 1, 1), dt.date(2026, 6, 1)))
def test_the_balance_is_the_sum_of_the_entries(ledger, today):
    balance = account_balance(ACCOUNT, ledger, today)
    assert balance.balance_kop == sum(p.amount_kop for p in ledger)
    assert balance.energy_kop + balance.penalties_kop == balance.balance_kop
    assert 0 <= balance.overdue_kop <= balance.amount_due_energy_kop


@given(ledgers())
def test_per_bucket_the_remainders_sum_to_the_bucket_s_debt(ledger):
    for bucket in (ENERGY, PENALTIES):
        debts = allocate(ledger, bucket)
        assert sum(d.remainder_kop for d in debts) == max(0, -bucket_balance_kop(ledger, bucket))
        assert all(0 <= d.remainder_kop <= d.owed_kop for d in debts)


@given(ledgers())
def test_debts_are_paid_oldest_first(ledger):
    for bucket in (ENERGY, PENALTIES):
        debts = allocate(ledger, bucket)
        assert [(d.due_on, d.posted_at, d.entry_id) for d in debts] == sorted(
            (d.due_on, d.posted_at, d.entry_id) for d in debts)
        # paid, paid, …, at most one partly paid, then unpaid
        for older, newer in zip(debts, debts[1:], strict=False):
            if older.remainder_kop > 0:
                assert newer.remainder_kop == newer.owed_kop


@given(ledgers(), st.sampled_from((ENERGY, PENALTIES)), st.integers(1, 1_000_000))
@settings(max_examples=200)
def test_paying_never_increases_any_remainder(ledger, bucket, paid):
    before = {d.entry_id: d.remainder_kop for b in (ENERGY, PENALTIES) for d in allocate(ledger, b)}
    after_ledger = [*ledger, posting(999, paid, bucket=bucket, posted=30)]
    after = {d.entry_id: d.remainder_kop for b in (ENERGY, PENALTIES) for d in allocate(after_ledger, b)}
    assert after.keys() == before.keys()
    assert all(after[k] <= before[k] for k in before)


@given(ledgers(), st.integers(1, 5_000_000))
def test_an_energy_payment_never_reduces_penalties(ledger, paid):
    penalties_before = allocate(ledger, PENALTIES)
    after = [*ledger, posting(999, paid, bucket=ENERGY, posted=30)]
    assert allocate(after, PENALTIES) == penalties_before
    assert account_balance(ACCOUNT, after, dt.date(2026, 3, 1)).amount_due_penalties_kop == sum(
        d.remainder_kop for d in penalties_before)


@given(ledgers())
def test_netting_reversals_keeps_the_sum(ledger):
    assert sum(p.amount_kop for p in net_of_reversals(ledger)) == sum(p.amount_kop for p in ledger)
