"""Readings keeps a projection of accounts' facts: served on positive hits, accounts decides otherwise."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from kit.errors import NotFound
from services.readings.domain.model import AccountFacts, Meter
from services.readings.service_layer.accounts import project_account
from services.readings.service_layer.submission import submit_reading

pytestmark = pytest.mark.integration
T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


class Accounts:
    """accounts as readings sees it: here it refuses everything, and counts the questions."""

    def __init__(self) -> None:
        self.asked = 0

    def facts(self, account_id: str) -> AccountFacts:
        self.asked += 1
        raise NotFound(code="account_not_found")


def project(rt, fn, **kw):
    with rt.uow() as uow:
        fn(uow, **kw)
        uow.commit()


def bind(uow, *, user_id, account_id, bound, as_of):
    uow.access.put(user_id, account_id, bound=bound, as_of=as_of)


def submit(rt, accounts, user, facts, value):
    return submit_reading(rt.uow(), accounts, user_id=user, account_id=facts.account_id,
                          meter_id=facts.meters[0].meter_id, values={"total": value}, idempotency_key=None)


def test_a_projected_binding_is_served_without_asking_accounts_and_an_unbinding_ends_it(rt):
    user = str(uuid.uuid4())
    facts = AccountFacts(str(uuid.uuid4()), str(uuid.uuid4()), "urban_gas_stove", False,
                         (Meter(str(uuid.uuid4()), 1, 6, Decimal(1)),))
    accounts = Accounts()
    project(rt, project_account, facts=facts, as_of=T0)
    project(rt, bind, user_id=user, account_id=facts.account_id, bound=True, as_of=T0)

    assert submit(rt, accounts, user, facts, "10").values == {"total": Decimal("10.000")}
    assert accounts.asked == 0
    with pytest.raises(NotFound):  # another user: the projection does not know them, accounts refuses
        submit(rt, accounts, str(uuid.uuid4()), facts, "11")
    assert accounts.asked == 1

    project(rt, bind, user_id=user, account_id=facts.account_id, bound=False,
            as_of=T0 + dt.timedelta(seconds=2))
    # a late, older "bound" does not undo the newer "unbound"
    project(rt, bind, user_id=user, account_id=facts.account_id, bound=True,
            as_of=T0 + dt.timedelta(seconds=1))
    with pytest.raises(NotFound):
        submit(rt, accounts, user, facts, "12")
    assert accounts.asked == 2


def test_newer_facts_replace_older_ones_and_older_ones_are_ignored(rt):
    user = str(uuid.uuid4())
    account, meter = str(uuid.uuid4()), str(uuid.uuid4())
    old = AccountFacts(account, str(uuid.uuid4()), "urban_gas_stove", False, (Meter(meter, 1, 6, Decimal(1)),))
    new = AccountFacts(account, old.supplier_id, "urban_gas_stove", True, (Meter(meter, 1, 6, Decimal(1)),))
    project(rt, bind, user_id=user, account_id=account, bound=True, as_of=T0)
    project(rt, project_account, facts=new, as_of=T0 + dt.timedelta(seconds=5))
    project(rt, project_account, facts=old, as_of=T0)
    with rt.uow() as uow:
        assert uow.accounts.allowed_facts(user, account) == new
