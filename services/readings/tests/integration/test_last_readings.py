"""ListLastReadings against real PostgreSQL: each account's newest reading exactly as ListReadings with limit 1
gives it (ties of taken_at broken the same way, any status), None without one; only the caller's accounts answer
(another customer's ids, unknown ids and non-ids are left out; a projection miss asks accounts), at most 100 ids."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from kabinet.readings.v1 import readings_pb2 as pb

from kit.context import Caller, caller_var
from kit.errors import InvalidInput, NotFound
from services.readings.domain.model import Reading
from services.readings.entrypoints.api import ReadingsServicer
from services.readings.tests.integration.test_due import facts

pytestmark = pytest.mark.integration
T0 = dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC)
SUPPLIER = str(uuid.uuid4())


class AccountsAllowing:
    """accounts' CheckAccess: these accounts are the caller's, every other is not found."""

    def __init__(self, *allowed) -> None:
        self.allowed = {f.account_id: f for f in allowed}
        self.asked: list[str] = []

    def facts(self, account_id: str):
        self.asked.append(account_id)
        if account_id not in self.allowed:
            raise NotFound("Лицевой счёт не найден.", code="account_not_found")
        return self.allowed[account_id]


def call(method, request, user_id: str):
    token = caller_var.set(Caller(user_id=user_id, kind="customer"))
    try:
        return method(request, None)
    finally:
        caller_var.reset(token)


def account(rt, user_id: str | None, *taken: tuple[dt.timedelta, str]):
    """An account (bound to the user when given) with readings taken at T0 + each offset, of each status."""
    f = facts(SUPPLIER)
    with rt.uow() as uow:
        uow.accounts.put_facts(f, T0)
        if user_id:
            uow.access.put(user_id, f.account_id, bound=True, as_of=T0)
        for i, (offset, status) in enumerate(taken):
            uow.readings.add(Reading(f.account_id, f.meters[0].meter_id, {"total": Decimal(100 + i)},
                                     {"total": Decimal(i)}, T0 + offset, period=dt.date(2026, 11, 1), status=status,
                                     supplier_id=SUPPLIER))
        uow.commit()
    return f


def test_each_account_s_newest_reading_is_list_readings_first(rt):
    me = str(uuid.uuid4())
    day = dt.timedelta(days=1)
    mine = [account(rt, me, (0 * day, "accepted"), (2 * day, "superseded"), (1 * day, "accepted")),
            account(rt, me, (day, "accepted"), (day, "accepted"), (day, "rejected")),  # one moment: ties
            account(rt, me)]
    api = ReadingsServicer(rt.uow, AccountsAllowing(), None)
    ids = [f.account_id for f in mine]

    reply = call(api.ListLastReadings, pb.ListLastReadingsRequest(account_ids=ids), me)

    assert [a.account_id for a in reply.accounts] == ids
    for item in reply.accounts:
        listed = call(api.ListReadings, pb.ListReadingsRequest(account_id=item.account_id, limit=1), me).readings
        assert (item.reading if item.HasField("reading") else None) == (listed[0] if listed else None)
    assert reply.accounts[0].reading.status == "superseded" and not reply.accounts[2].HasField("reading")


def test_only_the_caller_s_accounts_answer(rt):
    me, stranger = str(uuid.uuid4()), str(uuid.uuid4())
    mine = account(rt, me, (dt.timedelta(0), "accepted"))
    theirs = account(rt, stranger, (dt.timedelta(0), "accepted"))
    just_bound = account(rt, None, (dt.timedelta(0), "accepted"))  # the projection does not know the binding yet
    unknown = str(uuid.uuid4())
    accounts = AccountsAllowing(just_bound)
    api = ReadingsServicer(rt.uow, accounts, None)

    reply = call(api.ListLastReadings, pb.ListLastReadingsRequest(
        account_ids=[theirs.account_id, mine.account_id, "12-10000001", unknown, just_bound.account_id]), me)

    assert [a.account_id for a in reply.accounts] == [mine.account_id, just_bound.account_id]
    assert all(a.reading.account_id == a.account_id for a in reply.accounts)
    assert sorted(accounts.asked) == sorted([theirs.account_id, unknown, just_bound.account_id])
    with pytest.raises(InvalidInput) as too_many:
        call(api.ListLastReadings, pb.ListLastReadingsRequest(account_ids=[str(uuid.uuid4()) for _ in range(101)]),
             me)
    assert too_many.value.code == "too_many_accounts"
