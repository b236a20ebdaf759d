"""Tariffs, categories and norms through the gRPC servicer on real PostgreSQL: staff add and list (roles,
audit, duplicates, field errors), and a customer reads the tariff of an account that the worker projected
from accounts' events on real NATS JetStream."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

import pytest
from kabinet.accounts.v1 import accounts_pb2
from kabinet.payments.v1 import payments_pb2 as pb
from nats.js.errors import NotFoundError
from sqlalchemy import func, select

from kit.consumer import ConsumerLoop
from kit.context import Caller, caller_var
from kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from kit.events import Event, encode
from kit.jetstream import connect, ensure_stream
from services.payments.adapters.orm import account_facts, audit_log, suppliers, zone_schedules
from services.payments.domain.model import local_date
from services.payments.entrypoints.api import PaymentsServicer
from services.payments.entrypoints.events import subscriptions

pytestmark = pytest.mark.integration

SUPPLIER = "2a848f89-cd7d-5192-a0d1-e4c35663d673"
IVANOV = "b96f0cb8-a399-516a-b116-c9c892ea28e0"  # urban_gas_stove, 1 zone; demo tariff from 2026-07-01
USER = "f2aee3e9-98eb-5237-a1bc-d44f87cd889c"
ADMIN = Caller(user_id="a0000000-0000-0000-0000-000000000001", kind="staff", roles=("admin",))
OPERATOR = Caller(user_id="a0000000-0000-0000-0000-000000000002", kind="staff", roles=("operator",))
CUSTOMER = Caller(user_id=USER, kind="person")


class NobodyAllowed:
    """accounts, as if it refused everything: only payments' own projections may answer."""

    def check_access(self, account_id):
        raise NotFound("Лицевой счёт не найден.", code="account_not_found")

    def facts(self, account_id):
        self.check_access(account_id)


def call(who: Caller, method, request):
    token = caller_var.set(who)
    try:
        return method(request, None)
    finally:
        caller_var.reset(token)


def count(rt, table, *where) -> int:
    with rt.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def project_accounts(rt, nats_url, events: list[Event], until) -> None:
    """Publish accounts' events to a fresh ACCOUNTS stream and run payments' consumers of it until `until()`."""

    async def scenario():
        nc = await connect([nats_url], "payments-tariffs-test")
        js = nc.jetstream()
        with contextlib.suppress(NotFoundError):
            await js.delete_stream("ACCOUNTS")
        await ensure_stream(js, "ACCOUNTS")
        for event in events:
            await js.publish(event.type, encode(event, "accounts"), headers={"Nats-Msg-Id": event.id})
        stop = asyncio.Event()
        loops = [asyncio.create_task(ConsumerLoop(js, sub, rt.uow).run(stop))
                 for sub in subscriptions() if sub.stream == "ACCOUNTS"]
        try:
            async with asyncio.timeout(20):
                while not until():
                    await asyncio.sleep(0.05)
        finally:
            stop.set()
            await asyncio.gather(*loops)
            await nc.close()

    asyncio.run(scenario())


def account_events(zones: int = 1) -> list[Event]:
    account = accounts_pb2.Account(account_id=IVANOV, supplier_id=SUPPLIER, category="urban_gas_stove",
                                   meters=[accounts_pb2.Meter(meter_id="62866226-26cb-5679-883e-3438857a48a4",
                                                              zones=zones)],
                                   premise=accounts_pb2.Premise(residents=2))
    return [Event(type="accounts.account.changed", aggregate_id=IVANOV,
                  payload=accounts_pb2.AccountChanged(account=account)),
            Event(type="accounts.account.bound", aggregate_id=IVANOV,
                  payload=accounts_pb2.AccountBound(user_id=USER, account_id=IVANOV))]


def add_request(valid_from: str, **prices) -> pb.StaffAddTariffRequest:
    request = pb.StaffAddTariffRequest(supplier_id=SUPPLIER, category="urban_gas_stove", valid_from=valid_from)
    for count, by_zone in (prices or {"1": {"total": "7.45"}, "2": {"day": "8.55", "night": "4.25"}}).items():
        request.prices[count].rub_per_kwh.update(by_zone)
    return request


def test_staff_schedule_a_tariff_and_the_customer_sees_today_and_the_change(rt, nats_url):
    api = PaymentsServicer(rt.uow, NobodyAllowed())
    today = local_date(dt.datetime.now(dt.UTC))
    starts = (today + dt.timedelta(days=30)).isoformat()

    added = call(ADMIN, api.StaffAddTariff, add_request(starts))
    assert (added.valid_from, added.valid_until, added.category_title) == (
        starts, "", "Городское население в домах с газовыми плитами")
    assert [(s.zones, [(p.zone, p.title, p.rub_per_kwh) for p in s.prices]) for s in added.zone_sets] == [
        (1, [("total", "Круглосуточные", "7.45")]), (2, [("day", "День", "8.55"), ("night", "Ночь", "4.25")])]
    assert [(h.start, h.end) for h in added.zone_sets[1].prices[1].hours] == [("23:00", "07:00")]

    with pytest.raises(Conflict) as err:
        call(ADMIN, api.StaffAddTariff, add_request(starts))
    assert err.value.code == "tariff_exists"
    with pytest.raises(Forbidden):
        call(OPERATOR, api.StaffAddTariff, add_request((today + dt.timedelta(days=60)).isoformat()))

    listed = call(OPERATOR, api.StaffListTariffs, pb.StaffListTariffsRequest(supplier_id=SUPPLIER,
                                                                             category="urban_gas_stove"))
    day_before = (today + dt.timedelta(days=29)).isoformat()
    assert [(t.valid_from, t.valid_until) for t in listed.tariffs] == [("2026-07-01", day_before), (starts, "")]
    in_force = call(OPERATOR, api.StaffListTariffs, pb.StaffListTariffsRequest(on=today.isoformat()))
    assert sorted((t.category, t.valid_from) for t in in_force.tariffs) == [
        ("urban_electric_stove", "2026-07-01"), ("urban_gas_stove", "2026-07-01")]

    with pytest.raises(NotFound):  # nothing projected yet and accounts refuses
        call(CUSTOMER, api.GetAccountTariff, pb.GetAccountTariffRequest(account_id=IVANOV))
    project_accounts(rt, nats_url, account_events(), lambda: count(rt, account_facts) == 1)
    view = call(CUSTOMER, api.GetAccountTariff, pb.GetAccountTariffRequest(account_id=IVANOV))
    assert (view.category, view.category_title, view.on, list(view.meter_zones)) == (
        "urban_gas_stove", "Городское население в домах с газовыми плитами", today.isoformat(), [1])
    assert (view.current.valid_from, view.current.valid_until) == ("2026-07-01", day_before)
    assert [p.rub_per_kwh for s in view.current.zone_sets for p in s.prices] == [
        "7.05", "8.11", "4.02", "9.17", "7.05", "4.02"]
    assert [(h.start, h.end) for h in view.current.zone_sets[2].prices[0].hours] == [
        ("07:00", "10:00"), ("17:00", "21:00")]
    assert view.HasField("next") and view.next.valid_from == starts and view.next.tariff_id == added.tariff_id

    with pytest.raises(NotFound):  # bound to USER only
        call(Caller(user_id="f0000000-0000-0000-0000-00000000000f", kind="person"), api.GetAccountTariff,
             pb.GetAccountTariffRequest(account_id=IVANOV))

    with rt.engine.connect() as conn:
        actions = [row.action for row in conn.execute(select(audit_log).order_by(audit_log.c.id))]
    assert actions == ["tariff.added", "tariffs.listed", "tariffs.listed"]  # refusals change nothing
    assert count(rt, zone_schedules) == 1  # the demo supplier's, stored with its first tariff


def test_bad_prices_come_back_by_field(rt):
    api = PaymentsServicer(rt.uow, NobodyAllowed())
    with pytest.raises(InvalidInput) as err:
        call(ADMIN, api.StaffAddTariff, add_request("2030-01-01", **{
            "1": {"total": "0"}, "2": {"day": "8.123456", "night": "4"}, "3": {"peak": "9", "night": "4"}}))
    assert err.value.code == "invalid_tariff"
    assert set(err.value.fields) == {"prices.1.total", "prices.2.day", "prices.3"}
    with pytest.raises(InvalidInput) as err:
        call(ADMIN, api.StaffAddTariff, pb.StaffAddTariffRequest(supplier_id="x", category="moon",
                                                                 valid_from="2030-02-30"))
    assert set(err.value.fields) == {"supplier_id", "category", "valid_from", "prices"}


def test_categories_and_norms(rt):
    api = PaymentsServicer(rt.uow, NobodyAllowed())
    call(ADMIN, api.StaffPutCategory, pb.CustomerCategory(code="benefit_large_family", title="Многодетные семьи"))
    codes = [c.code for c in call(OPERATOR, api.StaffListCategories, pb.StaffListCategoriesRequest()).categories]
    assert "benefit_large_family" in codes and "urban_gas_stove" in codes
    with pytest.raises(InvalidInput) as err:
        call(ADMIN, api.StaffPutCategory, pb.CustomerCategory(code="Льготники", title=""))
    assert err.value.code == "invalid_category"

    def norm(residents, valid_from, kwh, category="benefit_large_family"):
        return pb.ConsumptionNorm(supplier_id=SUPPLIER, category=category, residents=residents,
                                  valid_from=valid_from, kwh_per_month=kwh)

    call(ADMIN, api.StaffSetNorm, norm(1, "2026-07-01", "93"))
    call(ADMIN, api.StaffSetNorm, norm(1, "2027-07-01", "95"))
    replaced = call(ADMIN, api.StaffSetNorm, norm(1, "2027-07-01", "96,5"))
    assert (replaced.kwh_per_month, replaced.valid_until) == ("96.5", "")
    with pytest.raises(InvalidInput) as err:
        call(ADMIN, api.StaffSetNorm, norm(0, "2027-07-01", "0", category="moon"))
    assert err.value.code == "invalid_norm" and set(err.value.fields) == {"residents", "kwh_per_month", "category"}
    with pytest.raises(Forbidden):
        call(OPERATOR, api.StaffSetNorm, norm(2, "2027-07-01", "58"))

    every = call(OPERATOR, api.StaffListNorms, pb.StaffListNormsRequest(supplier_id=SUPPLIER)).norms
    assert [(n.residents, n.valid_from, n.valid_until, n.kwh_per_month) for n in every] == [
        (1, "2026-07-01", "2027-06-30", "93"), (1, "2027-07-01", "", "96.5")]
    on = call(OPERATOR, api.StaffListNorms, pb.StaffListNormsRequest(on="2027-01-01")).norms
    assert [n.kwh_per_month for n in on] == ["93"]


def test_the_newest_account_facts_win(rt, nats_url):
    older, newer = account_events(zones=1)[0], account_events(zones=3)[0]
    older = Event(type=older.type, aggregate_id=older.aggregate_id, payload=older.payload,
                  occurred_at=newer.occurred_at - dt.timedelta(seconds=5))
    project_accounts(rt, nats_url, [newer, older], lambda: count(rt, account_facts) == 1 and _seen(rt) == 2)
    with rt.uow() as uow:
        facts = uow.account_facts.get(IVANOV)
    assert (facts.supplier_id, facts.category, facts.meter_zones, facts.residents) == (
        SUPPLIER, "urban_gas_stove", (3,), 2)


def supplier_event(timezone: str, occurred_at: dt.datetime) -> Event:
    supplier = accounts_pb2.Supplier(
        supplier_id=SUPPLIER, name="АО «Северная энергосбытовая компания»", inn="7801234567", kpp="780101001",
        bank=accounts_pb2.BankDetails(bank_name="ПАО Сбербанк", bic="044525225",
                                      settlement_account="40702810955000012345",
                                      correspondent_account="30101810400000000225"),
        sms_code="012", timezone=timezone, payment_due_day=15, services=["Электроэнергия"])
    return Event(type="accounts.supplier.changed", aggregate_id=SUPPLIER,
                 payload=accounts_pb2.SupplierChanged(supplier=supplier), occurred_at=occurred_at)


def test_suppliers_facts_are_projected_and_the_newest_wins(rt, nats_url):
    now = dt.datetime.now(dt.UTC)
    newer, older = supplier_event("Asia/Yekaterinburg", now), supplier_event("Europe/Moscow", now - dt.timedelta(5))
    project_accounts(rt, nats_url, [newer, older],
                     lambda: count(rt, suppliers) == 1 and _seen(rt, "payments-suppliers") == 2)
    with rt.uow() as uow:
        supplier = uow.suppliers.get(SUPPLIER)
    assert (supplier.name, supplier.inn, supplier.kpp, supplier.bank_name, supplier.bic, supplier.settlement_account,
            supplier.correspondent_account, supplier.timezone, supplier.payment_due_day) == (
        "АО «Северная энергосбытовая компания»", "7801234567", "780101001", "ПАО Сбербанк", "044525225",
        "40702810955000012345", "30101810400000000225", "Asia/Yekaterinburg", 15)


def _seen(rt, consumer: str = "payments-account-facts") -> int:
    from kit.outbox import processed_events

    return count(rt, processed_events, processed_events.c.consumer == consumer)
