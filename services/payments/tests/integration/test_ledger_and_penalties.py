"""The ledger and penalties against real PostgreSQL: the SQL allocation agrees with the domain's on random
ledgers; the daily accrual is exactly once per account and day under reruns and concurrent runs, skips
moratorium days, follows the key rate in force, and agrees day by day with `domain/penalties.py`; the API
answers the balance by bucket and pages the ledger."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kabinet.payments.v1 import payments_pb2
from sqlalchemy import select

from kit.context import Caller, caller_var
from kit.errors import Forbidden, InvalidInput
from services.payments.adapters.orm import ledger, penalty_accruals
from services.payments.domain import ledger as rules
from services.payments.domain.model import AccountFacts, LedgerEntry, Supplier
from services.payments.domain.penalties import KeyRate, Moratorium, penalty_for_day
from services.payments.entrypoints.api import PaymentsServicer
from services.payments.entrypoints.jobs import jobs
from services.payments.service_layer import penalties
from services.payments.service_layer.ledger import supplier_calendar

pytestmark = pytest.mark.integration

ADMIN = Caller(user_id="00000000-0000-0000-0000-00000000a001", kind="staff", roles=("admin",))
OPERATOR = Caller(user_id="00000000-0000-0000-0000-00000000a002", kind="staff", roles=("operator",))
DUE = dt.date(2026, 1, 10)
POSTED = dt.datetime(2025, 12, 5, 9, tzinfo=dt.UTC)


def supplier(due_day=10, timezone="Asia/Yekaterinburg") -> Supplier:
    return Supplier(supplier_id=str(uuid.uuid4()), name="ПАО «Тестэнерго»", inn="7700000000", kpp="", bank_name="",
                    bic="", settlement_account="", correspondent_account="", timezone=timezone,
                    payment_due_day=due_day)


def new_account(rt, the_supplier: Supplier) -> str:
    account_id = str(uuid.uuid4())
    with rt.uow() as uow:
        uow.suppliers.put(the_supplier, dt.datetime.now(dt.UTC))
        uow.account_facts.put(AccountFacts(account_id, the_supplier.supplier_id, "urban_gas_stove"),
                              dt.datetime.now(dt.UTC))
        uow.commit()
    return account_id


def book(rt, *entries: LedgerEntry) -> None:
    with rt.uow() as uow:
        for entry in entries:
            uow.ledger.add(entry)
        uow.commit()


def debt(account_id, amount_kop, due_on=DUE, posted_at=POSTED, **kw) -> LedgerEntry:
    return LedgerEntry(account_id=account_id, kind="charge", amount_kop=-amount_kop, posted_at=posted_at,
                       due_on=due_on, **kw)


def payment(account_id, amount_kop, paid_on: dt.date, bucket="energy") -> LedgerEntry:
    return LedgerEntry(account_id=account_id, kind="payment", amount_kop=amount_kop, bucket=bucket, paid_on=paid_on,
                       posted_at=dt.datetime.combine(paid_on, dt.time(12), dt.UTC), external_id=str(uuid.uuid4()))


def set_rates(rt, *rates: tuple[str, str]) -> None:
    for valid_from, rate in rates:
        penalties.set_key_rate(rt.uow(), ADMIN, valid_from=valid_from, rate_percent=rate)


def accrue(rt, through: dt.date) -> penalties.Accrued:
    return penalties.accrue_penalties(rt.uow, ADMIN, through=through.isoformat(), now=dt.datetime.now(dt.UTC),
                                      test_clock=True)


def accruals(rt, account_id) -> dict[dt.date, tuple[int, int]]:
    with rt.uow() as uow:
        return {day: (base, amount) for day, base, amount in uow.penalties.accruals_of(account_id)}


def penalty_total(rt, account_id) -> int:
    with rt.engine.connect() as conn:
        return -sum(conn.execute(select(ledger.c.amount_kop).where(
            ledger.c.account_id == account_id, ledger.c.kind == "penalty", ledger.c.bucket == "penalties")).scalars())


# --- the SQL allocation is the domain's --------------------------------------------------------------------

@st.composite
def entries(draw, account_id: str):
    out: list[LedgerEntry] = []
    for _ in range(draw(st.integers(0, 14))):
        bucket = draw(st.sampled_from(("energy", "penalties")))
        amount = draw(st.integers(-300_000, 300_000).filter(bool))
        posted_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=draw(st.integers(0, 24 * 90)))
        dating = draw(st.sampled_from(("due_on", "period", "none")))
        due_on = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 90))) if dating == "due_on" else None
        period = dt.date(2026, draw(st.integers(1, 4)), 1) if dating == "period" else None
        reverses = None
        if out and draw(st.integers(0, 4)) == 0:
            target = draw(st.sampled_from(out))
            if target.reverses is None and all(e.reverses != target.entry_id for e in out):
                reverses, amount, bucket = target.entry_id, -target.amount_kop, target.bucket
        out.append(LedgerEntry(account_id=account_id, kind="charge" if amount < 0 else "payment", amount_kop=amount,
                               posted_at=posted_at, bucket=bucket, due_on=due_on, period=period, reverses=reverses))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_sql_allocation_is_the_domain_s(rt, data):
    the_supplier = supplier(due_day=data.draw(st.sampled_from((None, 10, 25))))
    account_id = new_account(rt, the_supplier)
    ledger_entries = data.draw(entries(account_id))
    book(rt, *ledger_entries)
    calendar = supplier_calendar(the_supplier)
    postings = [rules.Posting.of(e, due_day=calendar.due_day, zone=calendar.zone) for e in ledger_entries]
    today = data.draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 6, 1)))
    with rt.uow() as uow:
        in_sql = uow.ledger_store.remainders(account_id, tz=calendar.tz, due_day=calendar.due_day)
        balance = uow.ledger_store.balance(account_id, today=today, tz=calendar.tz, due_day=calendar.due_day)

    def key(d):
        return (d.bucket, d.due_on, d.posted_at, d.entry_id)

    in_domain = sorted(rules.allocate(postings, "energy") + rules.allocate(postings, "penalties"), key=key)
    assert [(d.entry_id, d.due_on, d.owed_kop, d.remainder_kop) for d in sorted(in_sql, key=key)] == [
        (d.entry_id, d.due_on, d.owed_kop, d.remainder_kop) for d in in_domain]
    assert balance == rules.account_balance(account_id, postings, today)


# --- penalties: the worked example, exactly once, moratoria, key rate changes ------------------------------

def test_penalties_accrue_from_day_31_at_1_300_and_from_day_91_at_1_130(rt):
    # 10 000,00 ₽ due 2026-01-10, key rate 16 %: day 31 (2026-02-10) to day 90 (2026-04-10) 533 kop a day,
    # day 91 (2026-04-11) 1 231 kop — see tests/unit/test_penalty_rules.py for the arithmetic
    the_supplier = supplier()
    account_id = new_account(rt, the_supplier)
    book(rt, debt(account_id, 1_000_000))
    set_rates(rt, ("2025-01-01", "16"))
    done = accrue(rt, dt.date(2026, 4, 11))
    rows = accruals(rt, account_id)
    assert dt.date(2026, 2, 9) not in rows  # day 30
    assert rows[dt.date(2026, 2, 10)] == (1_000_000, 533)  # day 31
    assert rows[dt.date(2026, 4, 10)] == (1_000_000, 533)  # day 90
    assert rows[dt.date(2026, 4, 11)] == (1_000_000, 1231)  # day 91
    assert len(rows) == 61
    assert penalty_total(rt, account_id) == 60 * 533 + 1231 == 33_211
    assert done.accruals >= 61 and done.through == dt.date(2026, 4, 11)
    with rt.uow() as uow:
        calendar = supplier_calendar(the_supplier)
        balance = uow.ledger_store.balance(account_id, today=dt.date(2026, 4, 12), tz=calendar.tz,
                                           due_day=calendar.due_day)
    assert (balance.energy_kop, balance.penalties_kop, balance.amount_due_penalties_kop, balance.overdue_kop) == (
        -1_000_000, -33_211, 33_211, 1_000_000)
    # a penalty entry is dated on its day, in the penalties bucket, due at once
    with rt.engine.connect() as conn:
        first = conn.execute(select(ledger).where(ledger.c.account_id == account_id, ledger.c.kind == "penalty")
                             .order_by(ledger.c.posted_at).limit(1)).one()
    assert (first.bucket, first.amount_kop, first.due_on, first.period, first.description) == (
        "penalties", -533, dt.date(2026, 2, 10), dt.date(2026, 2, 1), "Пени за 10.02.2026")


def test_an_accrual_is_exactly_once_per_account_and_day_under_reruns(rt):
    the_supplier = supplier()
    account_id = new_account(rt, the_supplier)
    book(rt, debt(account_id, 1_000_000))
    set_rates(rt, ("2025-01-01", "16"))
    accrue(rt, dt.date(2026, 3, 1))
    once = penalty_total(rt, account_id)
    assert once == 20 * 533  # days 31–50
    assert accrue(rt, dt.date(2026, 3, 1)).accruals == 0
    # a rerun from scratch (progress lost) finds every day done
    with rt.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM penalty_progress")
    assert accrue(rt, dt.date(2026, 3, 1)).accruals == 0
    assert penalty_total(rt, account_id) == once
    with rt.uow() as uow:
        assert uow.penalties.penalty_entries(account_id) == 20


def test_concurrent_accruals_of_the_same_day_book_it_once(rt):
    the_supplier = supplier()
    account_id = new_account(rt, the_supplier)
    book(rt, debt(account_id, 1_000_000))
    calendar = supplier_calendar(the_supplier)
    day = dt.date(2026, 2, 10)
    first, second = rt.uow(), rt.uow()
    with first:
        done = first.penalties.accrue_day(the_supplier.supplier_id, day, rate_percent=Decimal(16), tz=calendar.tz,
                                          due_day=10)
        assert (done.accruals, done.amount_kop) == (1, 533)
        result = {}

        def other():  # waits on the first one's row, then finds it taken
            with second:
                result["second"] = second.penalties.accrue_day(the_supplier.supplier_id, day, rate_percent=Decimal(16),
                                                               tz=calendar.tz, due_day=10)
                second.commit()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive()  # blocked by the uncommitted insert of the same account and day
        first.commit()
    thread.join(10)
    assert (result["second"].accruals, result["second"].amount_kop) == (0, 0)
    assert penalty_total(rt, account_id) == 533

    # and whole runs at once: every day once
    set_rates(rt, ("2025-01-01", "16"))
    threads = [threading.Thread(target=accrue, args=(rt, dt.date(2026, 3, 1))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert penalty_total(rt, account_id) == 20 * 533
    with rt.engine.connect() as conn:
        assert len(conn.execute(select(penalty_accruals).where(penalty_accruals.c.account_id == account_id)).all()) == 20


def test_moratorium_days_accrue_nothing_and_the_key_rate_in_force_applies(rt):
    the_supplier = supplier()
    account_id = new_account(rt, the_supplier)
    book(rt, debt(account_id, 1_000_000))
    # 16,5 % until 2026-02-28, 16 % from 2026-03-01; a moratorium 2026-02-15 .. 2026-02-20
    set_rates(rt, ("2025-10-27", "16.5"), ("2026-03-01", "16"))
    penalties.set_moratorium(rt.uow(), ADMIN, moratorium_id="", valid_from="2026-02-15", valid_until="2026-02-20",
                             title="Мораторий (тест)")
    accrue(rt, dt.date(2026, 3, 2))
    rows = accruals(rt, account_id)
    assert not any(dt.date(2026, 2, 15) <= day <= dt.date(2026, 2, 20) for day in rows)
    assert rows[dt.date(2026, 2, 14)] == (1_000_000, 550)  # 1 000 000 × 16,5 / 100 / 300 = 550
    assert rows[dt.date(2026, 3, 1)] == (1_000_000, 533)
    # 2026-02-10..14 (5) and 21..28 (8) at 550, 2026-03-01..02 at 533
    assert penalty_total(rt, account_id) == 13 * 550 + 2 * 533


def test_the_accrual_agrees_with_the_domain_day_by_day_with_payments_on_the_way(rt):
    the_supplier = supplier(due_day=15, timezone="Europe/Moscow")
    account_id = new_account(rt, the_supplier)
    book(rt,
         debt(account_id, 600_000, due_on=None, period=dt.date(2025, 12, 1)),  # due 2026-01-15 (the 15th)
         debt(account_id, 450_000, due_on=dt.date(2026, 2, 15), posted_at=dt.datetime(2026, 1, 31, tzinfo=dt.UTC)),
         payment(account_id, 250_000, dt.date(2026, 3, 3)),
         payment(account_id, 500_000, dt.date(2026, 4, 20)),
         payment(account_id, 100_000, dt.date(2026, 3, 10), bucket="penalties"))
    rates = [("2025-01-01", "21"), ("2026-03-20", "17.25")]
    set_rates(rt, *rates)
    stop = Moratorium("m", dt.date(2026, 4, 1), dt.date(2026, 4, 3), "t")
    penalties.set_moratorium(rt.uow(), ADMIN, moratorium_id=str(uuid.uuid4()), valid_from="2026-04-01",
                             valid_until="2026-04-03", title="t")
    accrue(rt, dt.date(2026, 6, 30))
    rows = accruals(rt, account_id)
    calendar = supplier_calendar(the_supplier)
    key_rates = [KeyRate(dt.date.fromisoformat(d), Decimal(r)) for d, r in rates]
    with rt.uow() as uow:
        all_entries = [e for e in uow.ledger_store.page(account_id, period=None, size=500, token="", tz=calendar.tz,
                                                       due_day=calendar.due_day).entries if e.kind != "penalty"]
    expected = {}
    day = dt.date(2026, 1, 1)
    while day <= dt.date(2026, 6, 30):
        as_it_stood = [rules.Posting.of(e, due_day=15, zone=calendar.zone) for e in all_entries
                       if rules.booked_on(e, calendar.zone) <= day and e.bucket == "energy"]
        base, amount = penalty_for_day(rules.allocate(as_it_stood, "energy"), day, key_rates, [stop])
        if base:
            expected[day] = (base, amount)
        day += dt.timedelta(days=1)
    assert rows == expected
    assert len(expected) > 60


# --- staff settings and the API ------------------------------------------------------------------------------

def test_key_rates_and_moratoria_need_the_roles_and_are_audited(rt):
    with pytest.raises(Forbidden):
        penalties.set_key_rate(rt.uow(), OPERATOR, valid_from="2026-01-01", rate_percent="16")
    with pytest.raises(InvalidInput) as refused:
        penalties.set_key_rate(rt.uow(), ADMIN, valid_from="2026-13-01", rate_percent="16,1234")
    assert refused.value.code == "invalid_key_rate"
    penalties.set_key_rate(rt.uow(), ADMIN, valid_from="2026-01-01", rate_percent="16")
    penalties.set_key_rate(rt.uow(), ADMIN, valid_from="2026-01-01", rate_percent="17,5")  # replaces
    assert penalties.list_key_rates(rt.uow(), OPERATOR) == [KeyRate(dt.date(2026, 1, 1), Decimal("17.500"))]
    with pytest.raises(Forbidden):
        penalties.accrue_penalties(rt.uow, OPERATOR, through="", now=dt.datetime.now(dt.UTC), test_clock=True)
    with rt.engine.connect() as conn:
        actions = [r[0] for r in conn.exec_driver_sql("SELECT action FROM audit_log")]
    assert actions.count("key_rate.set") == 2 and "key_rates.listed" in actions


def test_through_in_the_future_only_with_the_test_clock(rt):
    the_supplier = supplier(timezone="Europe/Moscow")
    account_id = new_account(rt, the_supplier)
    today = dt.datetime.now(dt.UTC).date()
    book(rt, debt(account_id, 100_000, due_on=today - dt.timedelta(days=40),
                  posted_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=50)))
    set_rates(rt, ("2000-01-01", "16"))
    far = today + dt.timedelta(days=30)
    penalties.accrue_penalties(rt.uow, ADMIN, through=far.isoformat(), now=dt.datetime.now(dt.UTC), test_clock=False)
    assert max(accruals(rt, account_id)) <= today + dt.timedelta(days=1)
    penalties.accrue_penalties(rt.uow, ADMIN, through=far.isoformat(), now=dt.datetime.now(dt.UTC), test_clock=True)
    assert max(accruals(rt, account_id)) == far
    with pytest.raises(InvalidInput):
        penalties.accrue_penalties(rt.uow, ADMIN, through="завтра", now=dt.datetime.now(dt.UTC), test_clock=True)


class Allowed:
    def check_access(self, account_id):
        return None


def as_user(method, request, user_id="f2aee3e9-98eb-5237-a1bc-d44f87cd889c"):
    token = caller_var.set(Caller(user_id=user_id, kind="customer"))
    try:
        return method(request, None)
    finally:
        caller_var.reset(token)


def test_the_api_answers_the_balance_by_bucket_and_pages_the_ledger(rt):
    the_supplier = supplier(timezone="Europe/Moscow")
    account_id = new_account(rt, the_supplier)
    today = dt.datetime.now(dt.UTC).date()
    book(rt, debt(account_id, 150_000, due_on=today - dt.timedelta(days=5), period=dt.date(2026, 1, 1)),
         debt(account_id, 120_000, due_on=today + dt.timedelta(days=5), period=dt.date(2026, 2, 1),
              posted_at=POSTED + dt.timedelta(days=30)),
         LedgerEntry(account_id=account_id, kind="penalty", amount_kop=-5_000, bucket="penalties",
                     posted_at=POSTED - dt.timedelta(days=1), due_on=today),
         payment(account_id, 100_000, dt.date(2026, 3, 1)))
    api = PaymentsServicer(rt.uow, Allowed())
    balance = as_user(api.GetBalance, payments_pb2.GetBalanceRequest(account_id=account_id))
    assert (balance.balance_kop, balance.state, balance.amount_due_kop) == (-175_000, "debt", 175_000)
    assert (balance.energy_kop, balance.penalties_kop) == (-170_000, -5_000)
    assert (balance.amount_due_energy_kop, balance.amount_due_penalties_kop) == (170_000, 5_000)
    assert (balance.overdue_kop, balance.overdue_since, balance.due_on) == (
        50_000, (today - dt.timedelta(days=5)).isoformat(), (today - dt.timedelta(days=5)).isoformat())

    first = as_user(api.ListLedger, payments_pb2.ListLedgerRequest(account_id=account_id, page_size=3))
    assert [e.kind for e in first.entries] == ["payment", "charge", "charge"] and first.next_page_token
    rest = as_user(api.ListLedger, payments_pb2.ListLedgerRequest(account_id=account_id, page_size=3,
                                                                  page_token=first.next_page_token))
    assert [(e.kind, e.bucket, e.amount_kop, e.description) for e in rest.entries] == [
        ("penalty", "penalties", -5_000, "Пени")]
    assert rest.next_page_token == ""
    january = as_user(api.ListLedger, payments_pb2.ListLedgerRequest(account_id=account_id, period="2026-01"))
    assert [(e.amount_kop, e.period) for e in january.entries] == [(-150_000, "2026-01")]
    for bad in (payments_pb2.ListLedgerRequest(account_id=account_id, period="2026-13"),
                payments_pb2.ListLedgerRequest(account_id=account_id, page_token="bm9wZQ")):
        with pytest.raises(InvalidInput):
            as_user(api.ListLedger, bad)


def test_charged_per_period_is_minus_the_charges_their_reversals_and_adjustments_as_the_invoice_counts_it(rt):
    account_id = new_account(rt, supplier(timezone="Europe/Moscow"))
    preliminary = debt(account_id, 1_200, period=dt.date(2026, 10, 1))
    book(rt, preliminary, debt(account_id, 30_000, period=dt.date(2026, 11, 1)),
         LedgerEntry(account_id=account_id, kind="charge", amount_kop=1_200, posted_at=POSTED, reverses=preliminary.entry_id,
                     period=dt.date(2026, 10, 1)),  # the final charge's reversal of the preliminary one
         LedgerEntry(account_id=account_id, kind="adjustment", amount_kop=-500, posted_at=POSTED,
                     period=dt.date(2026, 10, 1)),
         LedgerEntry(account_id=account_id, kind="penalty", amount_kop=-70, bucket="penalties", posted_at=POSTED,
                     period=dt.date(2026, 10, 1)),
         payment(account_id, 50_000, dt.date(2026, 11, 20)), debt(account_id, 999, period=dt.date(2026, 8, 1)))
    api = PaymentsServicer(rt.uow, Allowed())
    reply = as_user(api.ListChargedByPeriod, payments_pb2.ListChargedByPeriodRequest(account_id=account_id,
                                                                                      since="2026-09"))
    assert [(p.period, p.charged_kop) for p in reply.periods] == [("2026-10", 500), ("2026-11", 30_000)]
    everything = as_user(api.ListChargedByPeriod, payments_pb2.ListChargedByPeriodRequest(account_id=account_id))
    assert [p.period for p in everything.periods] == ["2026-08", "2026-10", "2026-11"]


def test_the_daily_job_accrues_through_yesterday(rt):
    the_supplier = supplier(timezone="Europe/Moscow")
    account_id = new_account(rt, the_supplier)
    now = dt.datetime.now(dt.UTC)
    book(rt, debt(account_id, 100_000, due_on=now.date() - dt.timedelta(days=45), posted_at=now - dt.timedelta(days=50)))
    set_rates(rt, ("2000-01-01", "16"))
    [job] = [j for j in jobs(rt) if j.name == "penalties.accrue"]
    job.fn(now)
    days = accruals(rt, account_id)
    yesterday = (now.astimezone(supplier_calendar(the_supplier).zone) - dt.timedelta(days=1)).date()
    assert max(days) == yesterday and len(days) == (yesterday - (now.date() - dt.timedelta(days=45))).days - 30
    job.fn(now)
    assert accruals(rt, account_id) == days
