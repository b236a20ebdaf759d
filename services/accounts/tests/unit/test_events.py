"""The publisher: each fact of accounts' domain leaves as its contract message."""

import datetime as dt

from kabinet.accounts.v1 import accounts_pb2 as pb

from services.accounts.adapters.events import to_event
from services.accounts.domain import events as facts
from services.accounts.domain import suppliers as ds
from services.accounts.domain.model import AccountCard, MeterCard
from services.accounts.domain.requests import ServiceRequest

CARD = AccountCard(account_id="a1", number="12-10000001", supplier_id="s1", supplier_name="Энергосбыт",
                   address="СПб", holder="Иванов", category="urban_gas_stove", automatic_metering=False,
                   meters=(MeterCard(meter_id="m1", number="01234567", model="НЕВА", zones=2, digits=6, ratio="1",
                                     verification_due=dt.date(2030, 1, 31)),),
                   alias="Квартира", group_id="g1", group_name="Дом", premise={"stove": "gas", "residents": 2},
                   bill_delivery="email")


def test_account_changed_carries_the_facts_with_zone_names_and_no_cabinets_names():
    event = to_event(facts.AccountChanged(CARD))
    assert (event.type, event.aggregate_id) == ("accounts.account.changed", "a1")
    account = event.payload.account
    assert isinstance(event.payload, pb.AccountChanged)
    assert (account.alias, account.group_id, account.group_name) == ("", "", "")
    assert list(account.meters[0].zone_names) == ["day", "night"]
    assert account.meters[0].verification_due == "2030-01-31" and account.premise.residents == 2


def test_every_fact_has_its_subject():
    at = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    subjects = {to_event(f).type: to_event(f) for f in (
        facts.AccountBound("a1", "u1", "s1"), facts.AccountUnbound("a1", "u1"),
        facts.ContractConfirmationRequested("c1", "78078078078000", "buh@zavod.ru", "tok", at, "u1"),
        facts.ContractBound("c1", "u1", "s1", "78078078078000"), facts.ContractUnbound("c1", "u1"))}
    assert set(subjects) == {"accounts.account.bound", "accounts.account.unbound",
                             "accounts.contract.confirmation_requested", "accounts.contract.bound",
                             "accounts.contract.unbound"}
    assert subjects["accounts.contract.confirmation_requested"].payload.expires_at == "2026-11-23T12:00:00Z"


def test_supplier_changed_carries_every_fact_of_the_supplier():
    supplier = ds.Supplier(
        supplier_id="s1", name="АО «ПСК»", inn="7841322249", kpp="784101001",
        bank=ds.BankDetails("ПАО Сбербанк", "044525225", "40702810938000000001", "30101810400000000225"),
        sms_code="012", timezone="Europe/Moscow", readings_window=ds.ReadingsWindow(15, 25, "next_period"),
        payment_due_day=10, services=("Электроэнергия",))
    event = to_event(facts.SupplierChanged(supplier))
    assert (event.type, event.aggregate_id) == ("accounts.supplier.changed", "s1")
    sent = event.payload.supplier
    assert isinstance(event.payload, pb.SupplierChanged)
    assert (sent.inn, sent.kpp, sent.sms_code, sent.timezone, sent.payment_due_day) == (
        "7841322249", "784101001", "012", "Europe/Moscow", 10)
    assert (sent.bank.bic, sent.bank.settlement_account, sent.bank.correspondent_account) == (
        "044525225", "40702810938000000001", "30101810400000000225")
    assert (sent.readings_window.from_day, sent.readings_window.to_day, sent.readings_window.outside) == (
        15, 25, "next_period")
    assert list(sent.services) == ["Электроэнергия"]


def test_a_service_request_change_tells_the_cabinet_that_filed_it():
    at = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)
    req = ServiceRequest(request_id="r1", user_id="u1", account_id="a1", account_number="12-10000001",
                         type="plumbing", description="Течёт кран", address="СПб", status="accepted",
                         created_at=at, updated_at=at)
    event = to_event(facts.ServiceRequestChanged(req, "Мастер придёт завтра", at))
    assert (event.type, event.aggregate_id) == ("accounts.service_request.changed", "r1")
    sent = event.payload
    assert isinstance(sent, pb.ServiceRequestChanged)
    assert (sent.request_id, sent.account_id, sent.account_number, sent.user_id, sent.type, sent.status,
            sent.comment, sent.at) == ("r1", "a1", "12-10000001", "u1", "plumbing", "accepted",
                                       "Мастер придёт завтра", "2026-12-04T09:30:00Z")
