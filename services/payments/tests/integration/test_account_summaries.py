"""GetAccountSummaries against real PostgreSQL: per account exactly what GetBalance and ListCharges (limit 1) give,
for accounts of suppliers with different calendars and random ledgers; only the caller's accounts answer (another
customer's ids, unknown ids and non-ids are left out; a projection miss asks accounts), at most 100 ids."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kabinet.payments.v1 import payments_pb2 as pb

from kit.context import Caller, caller_var
from kit.errors import InvalidInput, NotFound
from services.payments.domain.model import Charge, ChargeLine, LedgerEntry
from services.payments.entrypoints.api import PaymentsServicer
from services.payments.tests.integration.test_ledger_and_penalties import (
    book,
    debt,
    entries,
    new_account,
    supplier,
)

pytestmark = pytest.mark.integration

NOW = dt.datetime.now(dt.UTC)
SHIFT = dt.timedelta(days=(NOW.date() - dt.date(2026, 2, 15)).days)


class AccountsAllowing:
    """accounts' CheckAccess: these ids are the caller's, every other is not found."""

    def __init__(self, *allowed: str) -> None:
        self.allowed = set(allowed)
        self.asked: list[str] = []

    def check_access(self, account_id: str) -> None:
        self.asked.append(account_id)
        if account_id not in self.allowed:
            raise NotFound("Лицевой счёт не найден.", code="account_not_found")


def call(method, request, user_id: str):
    token = caller_var.set(Caller(user_id=user_id, kind="customer"))
    try:
        return method(request, None)
    finally:
        caller_var.reset(token)


def bind(rt, user_id: str, *account_ids: str) -> None:
    with rt.uow() as uow:
        for account_id in account_ids:
            uow.access.put(user_id, account_id, bound=True, as_of=NOW)
        uow.commit()


def near_today(entry: LedgerEntry) -> LedgerEntry:
    """An entry of the shared strategy (January to April 2026) moved so that its due dates fall around today."""
    return replace(entry, posted_at=entry.posted_at + SHIFT, due_on=entry.due_on and entry.due_on + SHIFT,
                   paid_on=entry.paid_on and entry.paid_on + SHIFT)


def charge(rt, account_id: str, posted_at: dt.datetime, zones: int = 1, charge_id: str | None = None) -> None:
    lines = tuple(ChargeLine(zone=z, consumption=Decimal("12.5") * (i + 1), ratio=Decimal(1), price_rub=Decimal("6.43"),
                             amount_kop=8_037 * (i + 1))
                  for i, z in enumerate(("total",) if zones == 1 else ("day", "night")))
    with rt.uow() as uow:
        uow.charges.add_many([Charge(account_id=account_id, kind="preliminary", reading_id=str(uuid.uuid4()),
                                     tariff_id=None, lines=lines, posted_at=posted_at,
                                     **({"charge_id": charge_id} if charge_id else {}))])
        uow.commit()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_summary_is_exactly_get_balance_and_the_newest_charge(rt, data):
    user = str(uuid.uuid4())
    suppliers = [supplier(due_day=10, timezone="Europe/Moscow"), supplier(due_day=25, timezone="Asia/Vladivostok"),
                 supplier(due_day=None, timezone="Europe/Kaliningrad")]
    ids = [new_account(rt, data.draw(st.sampled_from(suppliers))) for _ in range(data.draw(st.integers(1, 5)))]
    for account_id in ids:
        book(rt, *[near_today(e) for e in data.draw(entries(account_id))],
             debt(account_id, 1_000, due_on=NOW.date() + dt.timedelta(days=data.draw(st.integers(-1, 1)))))
        for _ in range(data.draw(st.integers(0, 3))):
            charge(rt, account_id, NOW - dt.timedelta(days=data.draw(st.integers(0, 3))), zones=data.draw(
                st.sampled_from((1, 2))))
    bind(rt, user, *ids)
    api = PaymentsServicer(rt.uow, AccountsAllowing())

    reply = call(api.GetAccountSummaries, pb.GetAccountSummariesRequest(account_ids=ids), user)

    assert [s.account_id for s in reply.accounts] == ids
    for summary in reply.accounts:
        single = call(api.GetBalance, pb.GetBalanceRequest(account_id=summary.account_id), user)
        assert summary.balance == single
        charges = call(api.ListCharges, pb.ListChargesRequest(account_id=summary.account_id, limit=1), user).charges
        assert (summary.last_charge if summary.HasField("last_charge") else None) == (charges[0] if charges else None)


def test_equal_posting_times_break_the_tie_as_list_charges_does(rt):
    user, account_id = str(uuid.uuid4()), new_account(rt, supplier())
    for charge_id in ("ffffffff-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000000"):
        charge(rt, account_id, NOW, charge_id=charge_id)
    bind(rt, user, account_id)
    api = PaymentsServicer(rt.uow, AccountsAllowing())
    [summary] = call(api.GetAccountSummaries, pb.GetAccountSummariesRequest(account_ids=[account_id]), user).accounts
    [listed] = call(api.ListCharges, pb.ListChargesRequest(account_id=account_id, limit=1), user).charges
    assert summary.last_charge.charge_id == listed.charge_id == "00000000-0000-4000-8000-000000000000"


def test_only_the_caller_s_accounts_answer(rt):
    me, stranger = str(uuid.uuid4()), str(uuid.uuid4())
    mine, theirs, just_bound, unknown = (new_account(rt, supplier()) for _ in range(4))
    book(rt, debt(mine, 5_000), debt(theirs, 7_000))
    charge(rt, theirs, NOW)
    bind(rt, me, mine)
    bind(rt, stranger, theirs)
    accounts = AccountsAllowing(just_bound)  # bound a moment ago: the projection does not know it yet
    api = PaymentsServicer(rt.uow, accounts)

    reply = call(api.GetAccountSummaries, pb.GetAccountSummariesRequest(
        account_ids=[theirs, mine, "12-10000001", unknown, just_bound, mine]), me)

    assert [s.account_id for s in reply.accounts] == [mine, just_bound]
    assert reply.accounts[0].balance.amount_due_kop == 5_000 and not reply.accounts[1].HasField("last_charge")
    assert sorted(accounts.asked) == sorted([theirs, unknown, just_bound])  # the projection's misses only
    with pytest.raises(InvalidInput) as too_many:
        call(api.GetAccountSummaries, pb.GetAccountSummariesRequest(
            account_ids=[str(uuid.uuid4()) for _ in range(101)]), me)
    assert too_many.value.code == "too_many_accounts"
