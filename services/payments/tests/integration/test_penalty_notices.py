"""What the daily accrual tells customers, against real PostgreSQL: payments.debt.overdue once per account and due
date (the accrual of the due date finds an energy debt due then still unpaid), payments.penalties.accrued once per
account and month (the accrual of its last day, accruals above zero), both in the day's transaction and never
again on a rerun; days long past are accrued silently. Dates are relative to today: the accrual tells only
recent days (`domain/penalties.py:told`), and staff reach later ones with the test clock."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from kit.events import decode
from kit.outbox import outbox
from services.payments.domain.model import AccountFacts
from services.payments.domain.penalties import closes_month
from services.payments.service_layer import penalties
from services.payments.tests.integration.test_ledger_and_penalties import (
    ADMIN,
    accrue,
    book,
    debt,
    payment,
    penalty_total,
    set_rates,
    supplier,
)

pytestmark = pytest.mark.integration
TODAY = dt.date.today()


def first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def account(rt, the_supplier, number: str = "") -> str:
    account_id = str(uuid.uuid4())
    with rt.uow() as uow:
        uow.suppliers.put(the_supplier, dt.datetime.now(dt.UTC))
        uow.account_facts.put(AccountFacts(account_id, the_supplier.supplier_id, "urban_gas_stove", number=number),
                              dt.datetime.now(dt.UTC))
        uow.commit()
    return account_id


def told(rt, subject: str, account_id: str) -> list:
    with rt.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.envelope).where(outbox.c.subject == subject,
                                                            outbox.c.aggregate_id == account_id)
                            .order_by(outbox.c.seq)).all()
    return [decode(r.envelope).payload for r in rows]


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), dt.UTC)


def test_an_unpaid_debt_is_told_overdue_once_the_day_after_its_due_date(rt):
    the_supplier = supplier(timezone="Europe/Moscow")
    due = TODAY + dt.timedelta(days=3)
    unpaid, partly, paid, other = (account(rt, the_supplier, n) for n in ("12-00000001", "12-00000002",
                                                                          "12-00000003", ""))
    book(rt, debt(unpaid, 150_000, due_on=due, posted_at=at(TODAY)),
         debt(unpaid, 40_000, due_on=due + dt.timedelta(days=60), posted_at=at(TODAY)),  # not due yet
         debt(partly, 100_000, due_on=due, posted_at=at(TODAY)), payment(partly, 30_000, due),
         debt(paid, 100_000, due_on=due, posted_at=at(TODAY)), payment(paid, 100_000, due),  # paid on the day
         debt(other, 70_000, due_on=due - dt.timedelta(days=1), posted_at=at(TODAY)))
    set_rates(rt, ("2000-01-01", "16"))
    accrue(rt, due - dt.timedelta(days=1))
    assert told(rt, "payments.debt.overdue", unpaid) == []  # the due date is not over yet
    accrue(rt, due)
    [notice] = told(rt, "payments.debt.overdue", unpaid)
    assert (notice.account_id, notice.account_number, notice.due_on, notice.overdue_kop, notice.amount_due_kop) == (
        unpaid, "12-00000001", due.isoformat(), 150_000, 190_000)
    [notice] = told(rt, "payments.debt.overdue", partly)
    assert (notice.overdue_kop, notice.amount_due_kop) == (70_000, 70_000)
    assert told(rt, "payments.debt.overdue", paid) == []
    [earlier] = told(rt, "payments.debt.overdue", other)  # its own due date, the day before: told then, once
    assert (earlier.due_on, earlier.account_number) == ((due - dt.timedelta(days=1)).isoformat(), "")

    accrue(rt, due + dt.timedelta(days=40))  # days go on: nothing new is due, nothing more is told
    with rt.engine.begin() as conn:  # a rerun from scratch (progress lost) tells nothing again
        conn.exec_driver_sql("DELETE FROM penalty_progress")
    accrue(rt, due + dt.timedelta(days=40))
    assert len(told(rt, "payments.debt.overdue", unpaid)) == 1
    assert len(told(rt, "payments.debt.overdue", partly)) == 1


def test_a_month_s_penalties_are_told_once_when_its_last_day_is_accrued(rt):
    the_supplier = supplier(timezone="Europe/Moscow")
    month = first_of_next_month(first_of_next_month(TODAY))
    last = first_of_next_month(month) - dt.timedelta(days=1)
    # 10 000,00 ₽ due 31 days before the month: penalties from its 31st day of delay (the month's first day),
    # 533 kop a day at 16 %
    due = month - dt.timedelta(days=31)
    debtor, clean = account(rt, the_supplier, "12-00000011"), account(rt, the_supplier, "12-00000012")
    book(rt, debt(debtor, 1_000_000, due_on=due, posted_at=at(TODAY)),
         payment(debtor, 1_000, month + dt.timedelta(days=2), bucket="penalties"),
         debt(clean, 5_000, due_on=due, posted_at=at(TODAY)), payment(clean, 5_000, due - dt.timedelta(days=1)))
    set_rates(rt, ("2000-01-01", "16"))
    accrue(rt, last - dt.timedelta(days=1))
    assert told(rt, "payments.penalties.accrued", debtor) == []  # the month is not over
    accrue(rt, last)
    [notice] = told(rt, "payments.penalties.accrued", debtor)
    days = (last - month).days + 1
    assert (notice.account_id, notice.account_number, notice.period, notice.amount_kop) == (
        debtor, "12-00000011", f"{month:%Y-%m}", days * 533)
    assert notice.penalties_due_kop == penalty_total(rt, debtor) - 1_000  # every month's, less the payment
    assert told(rt, "payments.penalties.accrued", clean) == []  # nothing accrued: nothing told
    with rt.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM penalty_progress")
    accrue(rt, last + dt.timedelta(days=3))
    assert len(told(rt, "payments.penalties.accrued", debtor)) == 1


def test_a_moratorium_month_end_still_tells_the_month_s_accruals(rt):
    the_supplier = supplier(timezone="Europe/Moscow")
    month = first_of_next_month(first_of_next_month(TODAY))
    last = first_of_next_month(month) - dt.timedelta(days=1)
    debtor = account(rt, the_supplier)
    book(rt, debt(debtor, 1_000_000, due_on=month - dt.timedelta(days=31), posted_at=at(TODAY)))
    set_rates(rt, ("2000-01-01", "16"))
    penalties.set_moratorium(rt.uow(), ADMIN, moratorium_id="", valid_from=(last - dt.timedelta(
        days=4)).isoformat(), valid_until=(last + dt.timedelta(days=5)).isoformat(), title="Мораторий (тест)")
    accrue(rt, last)
    [notice] = told(rt, "payments.penalties.accrued", debtor)
    assert notice.amount_kop == ((last - month).days + 1 - 5) * 533


def test_days_long_past_are_accrued_but_tell_nobody(rt):
    the_supplier = supplier(timezone="Europe/Moscow")
    debtor = account(rt, the_supplier)
    due = TODAY - dt.timedelta(days=100)  # e.g. a debt imported with the registry, accrued for the first time
    book(rt, debt(debtor, 1_000_000, due_on=due, posted_at=at(due - dt.timedelta(days=20))))
    set_rates(rt, ("2000-01-01", "16"))
    accrue(rt, TODAY - dt.timedelta(days=1))
    assert penalty_total(rt, debtor) > 0
    assert told(rt, "payments.debt.overdue", debtor) == []
    recent = {f"{TODAY - dt.timedelta(days=n):%Y-%m}" for n in range(1, 8)
              if closes_month(TODAY - dt.timedelta(days=n))}  # a month that ended this week
    assert {n.period for n in told(rt, "payments.penalties.accrued", debtor)} == recent
