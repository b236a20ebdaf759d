"""The use cases with in-memory repositories: charging a reading once, and who may see a balance."""

import datetime as dt
from decimal import Decimal

import pytest

from kit.errors import NotFound, Rejected
from services.payments.domain.model import AcceptedReading, Tariff
from services.payments.service_layer import charging, views
from services.payments.tests.unit.fakes import FakeAccess, FakeAccounts, FakeUnitOfWork

SUPPLIER = "2a848f89-cd7d-5192-a0d1-e4c35663d673"
ACCOUNT = "b96f0cb8-a399-516a-b116-c9c892ea28e0"
USER = "f2aee3e9-98eb-5237-a1bc-d44f87cd889c"
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
TARIFF = Tariff("t1", SUPPLIER, "urban_gas_stove", dt.date(2026, 7, 1), {1: {"total": Decimal("7.05")}})


def reading(reading_id="r1", total="12.345", category="urban_gas_stove"):
    return AcceptedReading(reading_id=reading_id, account_id=ACCOUNT, supplier_id=SUPPLIER, category=category,
                           consumption={"total": Decimal(total)}, ratio=Decimal(1), taken_at=NOW, submitted_by="u1")


def test_a_reading_is_charged_booked_and_announced_with_the_balance_after():
    uow = FakeUnitOfWork(TARIFF)
    charging.load_tariffs_and_openings(uow, [], {ACCOUNT: -145075}, now=NOW)
    charge = charging.post_preliminary_charge(uow, reading(), now=NOW)
    assert charge.amount_kop == 8703
    assert uow.ledger.balance_kop(ACCOUNT) == -145075 - 8703
    [event] = uow.events
    assert event.type == "payments.charge.posted" and event.aggregate_id == ACCOUNT
    p = event.payload
    assert (p.charge_id, p.amount_kop, p.reading_id, p.user_id, p.balance_kop, p.balance_state, p.kind) == (
        charge.charge_id, 8703, "r1", "u1", -153778, "debt", "preliminary")


def test_the_same_reading_published_again_is_not_charged_twice():
    uow = FakeUnitOfWork(TARIFF)
    charging.post_preliminary_charge(uow, reading(), now=NOW)
    assert charging.post_preliminary_charge(uow, reading(), now=NOW) is None
    assert len(uow.charges.charges) == 1 and len(uow.ledger.entries) == 1 and len(uow.events) == 1


def test_a_reading_without_a_tariff_is_refused_not_charged():
    uow = FakeUnitOfWork(TARIFF)
    with pytest.raises(Rejected):
        charging.post_preliminary_charge(uow, reading(category="rural"), now=NOW)
    assert uow.charges.charges == [] and uow.events == []


def test_opening_balances_load_once():
    uow = FakeUnitOfWork()
    assert charging.load_tariffs_and_openings(uow, [TARIFF], {ACCOUNT: 15000}, now=NOW) == 1
    assert charging.load_tariffs_and_openings(uow, [TARIFF], {ACCOUNT: 15000}, now=NOW) == 0
    assert uow.ledger.balance_kop(ACCOUNT) == 15000 and len(uow.tariffs.tariffs) == 1


def test_balance_needs_access_to_the_account():
    uow = FakeUnitOfWork()
    charging.load_tariffs_and_openings(uow, [], {ACCOUNT: -100}, now=NOW)
    balance = views.get_balance(uow, FakeAccounts({ACCOUNT}), user_id=USER, account_id=ACCOUNT)
    assert (balance.balance_kop, balance.state, balance.amount_due_kop) == (-100, "debt", 100)
    with pytest.raises(NotFound):
        views.get_balance(uow, FakeAccounts(), user_id=USER, account_id=ACCOUNT)
    with pytest.raises(NotFound):  # not even asked: not an account id
        views.list_charges(uow, FakeAccounts({"x"}), user_id=USER, account_id="x", limit=10)


def test_a_projected_binding_needs_no_question_to_accounts():
    uow = FakeUnitOfWork()
    uow.access = FakeAccess({(USER, ACCOUNT)})
    charging.load_tariffs_and_openings(uow, [], {ACCOUNT: -100}, now=NOW)
    assert views.get_balance(uow, FakeAccounts(), user_id=USER, account_id=ACCOUNT).balance_kop == -100
    with pytest.raises(NotFound):  # someone else: the projection does not know them, accounts refuses
        views.get_balance(uow, FakeAccounts(), user_id="someone-else", account_id=ACCOUNT)
