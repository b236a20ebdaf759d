"""The use cases with in-memory repositories: charging a reading once, and who may see a balance."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from kabinet.payments.v1 import payments_pb2 as pb
from kabinet.readings.v1 import readings_pb2

from kit.errors import InvalidInput, NotFound, Rejected
from services.payments.domain.model import AcceptedReading, AccountFacts, LedgerEntry, Supplier, Tariff
from services.payments.entrypoints.api import preview_request
from services.payments.entrypoints.events import accepted_reading
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
    uow.ledger.add_once(LedgerEntry.opening(ACCOUNT, -145075, NOW))
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


def test_an_opening_balance_is_booked_once():
    uow = FakeUnitOfWork()
    assert uow.ledger.add_once(LedgerEntry.opening(ACCOUNT, 15000, NOW))
    assert not uow.ledger.add_once(LedgerEntry.opening(ACCOUNT, 15000, NOW))
    assert uow.ledger.balance_kop(ACCOUNT) == 15000


def test_balance_needs_access_to_the_account():
    uow = FakeUnitOfWork()
    uow.ledger.add_once(LedgerEntry.opening(ACCOUNT, -100, NOW))
    balance = views.get_balance(uow, FakeAccounts({ACCOUNT}), user_id=USER, account_id=ACCOUNT)
    assert (balance.balance_kop, balance.state, balance.amount_due_kop) == (-100, "debt", 100)
    with pytest.raises(NotFound):
        views.get_balance(uow, FakeAccounts(), user_id=USER, account_id=ACCOUNT)
    with pytest.raises(NotFound):  # not even asked: not an account id
        views.list_charges(uow, FakeAccounts({"x"}), user_id=USER, account_id="x", limit=10)


def test_a_projected_binding_needs_no_question_to_accounts():
    uow = FakeUnitOfWork()
    uow.access = FakeAccess({(USER, ACCOUNT)})
    uow.ledger.add_once(LedgerEntry.opening(ACCOUNT, -100, NOW))
    assert views.get_balance(uow, FakeAccounts(), user_id=USER, account_id=ACCOUNT).balance_kop == -100
    with pytest.raises(NotFound):  # someone else: the projection does not know them, accounts refuses
        views.get_balance(uow, FakeAccounts(), user_id="someone-else", account_id=ACCOUNT)


AUGUST = Tariff("t2", SUPPLIER, "urban_gas_stove", dt.date(2026, 8, 1), {1: {"total": Decimal("7.50")}})


def preview(uow, moment, total="12.345", category="urban_gas_stove"):
    return charging.preview_charge(uow, supplier_id=SUPPLIER, category=category, ratio=Decimal(1),
                                   consumption={"total": Decimal(total)}, as_of=moment)


def test_a_preview_is_the_charge_the_reading_would_get_and_writes_nothing():
    uow = FakeUnitOfWork(TARIFF, AUGUST)
    previewed = preview(uow, NOW)
    assert uow.charges.charges == [] and uow.ledger.entries == [] and uow.events == [] and not uow.committed
    posted = charging.post_preliminary_charge(uow, reading(), now=NOW)
    assert previewed.lines == posted.lines and previewed.amount_kop == posted.amount_kop == 9259  # at 7.50
    assert previewed.tariff is AUGUST


def test_a_preview_uses_the_tariff_in_force_on_the_local_date():
    uow = FakeUnitOfWork(TARIFF, AUGUST)
    # 31 July 21:30 UTC is already 1 August in Moscow
    assert preview(uow, dt.datetime(2026, 7, 31, 21, 30, tzinfo=dt.UTC)).tariff is AUGUST
    assert preview(uow, dt.datetime(2026, 7, 31, 20, 59, tzinfo=dt.UTC)).tariff is TARIFF
    with pytest.raises(Rejected) as err:
        preview(uow, dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
    assert err.value.code == "tariff_not_found"
    with pytest.raises(Rejected) as err:
        preview(uow, NOW, category="rural")
    assert err.value.code == "tariff_not_found"


def test_the_tariff_of_a_reading_and_of_today_follow_the_suppliers_time_zone():
    ural = Supplier(supplier_id=SUPPLIER, name="x", inn="", kpp="", bank_name="", bic="", settlement_account="",
                    correspondent_account="", timezone="Asia/Yekaterinburg")
    uow = FakeUnitOfWork(TARIFF, AUGUST, suppliers=[ural])
    # 31 July 19:30 UTC is still July in Moscow but already 1 August in Yekaterinburg
    evening = dt.datetime(2026, 7, 31, 19, 30, tzinfo=dt.UTC)
    assert preview(uow, evening).tariff is AUGUST
    assert preview(FakeUnitOfWork(TARIFF, AUGUST), evening).tariff is TARIFF  # not projected yet: Moscow
    uow.account_facts.put(AccountFacts(ACCOUNT, SUPPLIER, "urban_gas_stove"), NOW)
    uow.access.bound.add((USER, ACCOUNT))
    seen = views.account_tariff(uow, FakeAccounts(), user_id=USER, account_id=ACCOUNT, now=evening)
    assert seen.on == dt.date(2026, 8, 1)


def test_a_preview_request_is_read_field_by_field():
    request = pb.PreviewChargeRequest(supplier_id=SUPPLIER, category="urban_gas_stove", ratio="40",
                                      consumption=[pb.ZoneKwh(zone="day", kwh="2.500"),
                                                   pb.ZoneKwh(zone="night", kwh="2,0")])
    request.as_of.FromDatetime(NOW)
    assert preview_request(request) == dict(supplier_id=SUPPLIER, category="urban_gas_stove", ratio=Decimal(40),
                                            consumption={"day": Decimal("2.500"), "night": Decimal("2.0")},
                                            as_of=NOW)
    assert preview_request(pb.PreviewChargeRequest(supplier_id=SUPPLIER))["ratio"] == 1  # no КТ: 1
    bad = pb.PreviewChargeRequest(supplier_id="x", ratio="forty", consumption=[
        pb.ZoneKwh(zone="total", kwh="NaN"), pb.ZoneKwh(zone="day", kwh="1"), pb.ZoneKwh(zone="day", kwh="1")])
    with pytest.raises(InvalidInput) as err:
        preview_request(bad)
    assert err.value.code == "invalid_input"
    assert set(err.value.fields) == {"supplier_id", "ratio", "consumption.total", "consumption.day"}


def test_a_readings_period_travels_in_the_event_and_a_malformed_one_is_poison():
    payload = readings_pb2.ReadingAccepted(reading_id=str(uuid.uuid4()), account_id=str(uuid.uuid4()),
                                           supplier_id=str(uuid.uuid4()), category="urban", ratio="1",
                                           period="2027-01")
    assert accepted_reading(payload).period == dt.date(2027, 1, 1)
    payload.period = ""
    assert accepted_reading(payload).period is None  # an older producer: the month it was taken in
    payload.period = "январь"
    with pytest.raises(InvalidInput):
        accepted_reading(payload)
