"""Payments against real PostgreSQL and NATS JetStream: demo data, charging readings from the
stream exactly once, dead letters for readings without a tariff, and the gRPC API."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid

import pytest
from kabinet.payments.v1 import payments_pb2
from kabinet.readings.v1 import readings_pb2
from nats.js.errors import NotFoundError
from sqlalchemy import func, select, text

from kit.consumer import ConsumerLoop
from kit.context import Caller, caller_var
from kit.errors import Forbidden, Rejected, Unauthenticated
from kit.events import Event, decode, encode
from kit.jetstream import connect, ensure_stream
from kit.outbox import dead_letters, outbox, processed_events
from services.payments.adapters.orm import charges, ledger
from services.payments.entrypoints.api import PaymentsServicer
from services.payments.entrypoints.demo import load_demo
from services.payments.entrypoints.events import subscriptions

pytestmark = pytest.mark.integration

SUPPLIER = "2a848f89-cd7d-5192-a0d1-e4c35663d673"
IVANOV = "b96f0cb8-a399-516a-b116-c9c892ea28e0"  # urban_gas_stove, 1 zone, opening -145075
PETROVA = "1af3925e-8883-55d0-b295-fec77380fdf6"  # urban_electric_stove, 2 zones, opening 0
USER = "f2aee3e9-98eb-5237-a1bc-d44f87cd889c"
TAKEN = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)


def count(rt, table, *where) -> int:
    with rt.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def reading_event(account_id=IVANOV, category="urban_gas_stove", reading_id=None, **consumption) -> Event:
    payload = readings_pb2.ReadingAccepted(
        reading_id=reading_id or str(uuid.uuid4()), account_id=account_id, meter_id=str(uuid.uuid4()),
        supplier_id=SUPPLIER, category=category, ratio="1", submitted_by=USER,
        consumption=[readings_pb2.ZoneValue(zone=z, value=v) for z, v in consumption.items()])
    payload.taken_at.FromDatetime(TAKEN)
    return Event(type="readings.reading.accepted", aggregate_id=account_id, payload=payload)


def consume(rt, nats_url, events_and_ids, until, timeout=20.0):
    """Publish (event, Nats-Msg-Id) pairs to a fresh READINGS stream and run payments' consumer until `until()`."""

    async def scenario():
        nc = await connect([nats_url], "payments-test")
        js = nc.jetstream()
        with contextlib.suppress(NotFoundError):  # a first run has none
            await js.delete_stream("READINGS")
        await ensure_stream(js, "READINGS")
        for event, msg_id in events_and_ids:
            await js.publish(event.type, encode(event, "readings"), headers={"Nats-Msg-Id": msg_id})
        sub = next(s for s in subscriptions() if s.durable == "payments-readings")
        stop = asyncio.Event()
        task = asyncio.create_task(ConsumerLoop(js, sub, rt.uow).run(stop))
        try:
            async with asyncio.timeout(timeout):
                while not until():
                    await asyncio.sleep(0.05)
        finally:
            stop.set()
            await task
            await nc.close()

    asyncio.run(scenario())


def test_demo_data_loads_once(rt):
    load_demo(rt)  # a second run changes nothing
    with rt.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tariffs")).scalar_one() == 2
        assert conn.execute(text("SELECT count(*) FROM tariff_prices")).scalar_one() == 12
        openings = dict(conn.execute(select(ledger.c.account_id, ledger.c.amount_kop)).all())
    assert len(openings) == 4 and openings[IVANOV] == -145075


def test_openings_load_for_many_accounts(rt):
    """Regression: from the 6th execution psycopg prepares the statement; the upsert must still work."""
    from services.payments.domain.model import LedgerEntry

    now = dt.datetime.now(dt.UTC)
    accounts = [str(uuid.uuid4()) for _ in range(12)]
    with rt.uow() as uow:
        added = [uow.ledger.add_once(LedgerEntry.opening(a, 100, now)) for a in accounts + accounts]
        uow.commit()
    assert added == [True] * 12 + [False] * 12


def test_a_reading_is_charged_once_however_often_it_arrives(rt, nats_url):
    event = reading_event(total="12.345")
    same_reading_new_event = reading_event(reading_id=event.payload.reading_id, total="12.345")
    two_zones = reading_event(PETROVA, "urban_electric_stove", day="89.500", night="30.000")
    # The first two carry one event under two message ids (JetStream cannot drop the second);
    # the third is the same reading published again as a new event.
    published = [(event, "a"), (event, "b"), (same_reading_new_event, "c"), (two_zones, "d")]
    consume(rt, nats_url, published, lambda: count(rt, processed_events) >= 3)

    assert count(rt, charges) == 2
    assert count(rt, ledger, ledger.c.kind == "charge") == 2
    with rt.engine.connect() as conn:
        posted = [decode(row.envelope) for row in conn.execute(select(outbox).order_by(outbox.c.seq))]
    assert [e.type for e in posted] == ["payments.charge.posted"] * 2
    by_account = {e.payload.account_id: e.payload for e in posted}
    ivanov = by_account[IVANOV]
    assert (ivanov.amount_kop, ivanov.balance_kop, ivanov.user_id, ivanov.kind) == (
        8703, -145075 - 8703, USER, "preliminary")
    assert ivanov.reading_id == event.payload.reading_id
    # 89.5 x 5.68 = 508.36; 30 x 2.82 = 84.60
    assert (by_account[PETROVA].amount_kop, by_account[PETROVA].balance_kop) == (59296, -59296)


def test_a_reading_without_a_tariff_becomes_a_dead_letter(rt, nats_url):
    consume(rt, nats_url, [(reading_event(category="rural", total="1.000"), "x")],
            lambda: count(rt, dead_letters) >= 1)
    with rt.engine.connect() as conn:
        letter = conn.execute(select(dead_letters)).one()
    assert letter.consumer == "payments-readings" and "tariff_not_found" in letter.error
    assert count(rt, charges) == 0 and count(rt, outbox) == 0


class Accounts:
    def __init__(self, *allowed):
        self.allowed = set(allowed)

    def check_access(self, account_id):
        if account_id not in self.allowed:
            raise Forbidden()


def as_user(fn, *args):
    token = caller_var.set(Caller(user_id=USER, kind="person"))
    try:
        return fn(*args)
    finally:
        caller_var.reset(token)


def test_balance_and_charges_through_the_api(rt, nats_url):
    first, second = reading_event(total="1.000"), reading_event(total="12.345")
    consume(rt, nats_url, [(first, "1")], lambda: count(rt, charges) >= 1)
    consume(rt, nats_url, [(second, "2")], lambda: count(rt, charges) >= 2)
    api = PaymentsServicer(rt.uow, Accounts(IVANOV, PETROVA))

    balance = as_user(api.GetBalance, payments_pb2.GetBalanceRequest(account_id=IVANOV), None)
    assert (balance.balance_kop, balance.state, balance.amount_due_kop) == (-145075 - 705 - 8703, "debt", 154483)
    zero = as_user(api.GetBalance, payments_pb2.GetBalanceRequest(account_id=PETROVA), None)
    assert (zero.balance_kop, zero.state, zero.amount_due_kop) == (0, "zero", 0)
    over = as_user(PaymentsServicer(rt.uow, Accounts("c6e48268-f355-5581-9e40-9cd4162d4681")).GetBalance,
                   payments_pb2.GetBalanceRequest(account_id="c6e48268-f355-5581-9e40-9cd4162d4681"), None)
    assert (over.balance_kop, over.state) == (15000, "overpayment")

    listed = as_user(api.ListCharges, payments_pb2.ListChargesRequest(account_id=IVANOV), None).charges
    assert [c.reading_id for c in listed] == [second.payload.reading_id, first.payload.reading_id]
    line = listed[0].lines[0]
    assert (line.zone, line.consumption, line.price_kop_per_kwh_x100, line.amount_kop) == (
        "total", "12.345", 70500, 8703)

    with pytest.raises(Forbidden):
        as_user(PaymentsServicer(rt.uow, Accounts()).GetBalance,
                payments_pb2.GetBalanceRequest(account_id=IVANOV), None)
    with pytest.raises(Unauthenticated):
        api.ListCharges(payments_pb2.ListChargesRequest(account_id=IVANOV), None)


def test_a_preview_through_the_api_prices_like_the_charge_and_writes_nothing(rt, nats_url):
    api = PaymentsServicer(rt.uow, Accounts())  # no account is involved: nobody is asked about one
    request = payments_pb2.PreviewChargeRequest(
        supplier_id=SUPPLIER, category="urban_electric_stove", ratio="1",
        consumption=[payments_pb2.ZoneKwh(zone="day", kwh="89.500"), payments_pb2.ZoneKwh(zone="night", kwh="30.000")])
    request.as_of.FromDatetime(TAKEN)
    written = [count(rt, charges), count(rt, ledger), count(rt, outbox)]
    previewed = as_user(api.PreviewCharge, request, None)
    assert [count(rt, charges), count(rt, ledger), count(rt, outbox)] == written
    assert [(line.zone, line.consumption, line.price_kop_per_kwh_x100, line.amount_kop) for line in previewed.lines] == [
        ("day", "89.500", 56800, 50836), ("night", "30.000", 28200, 8460)]
    assert (previewed.amount_kop, previewed.tariff_valid_from) == (59296, "2026-07-01")

    # the reading itself, when it arrives, is charged exactly that
    event = reading_event(PETROVA, "urban_electric_stove", day="89.500", night="30.000")
    consume(rt, nats_url, [(event, "p")], lambda: count(rt, charges) >= 1)
    posted = as_user(PaymentsServicer(rt.uow, Accounts(PETROVA)).ListCharges,
                     payments_pb2.ListChargesRequest(account_id=PETROVA), None).charges
    assert [c.amount_kop for c in posted] == [previewed.amount_kop]
    assert list(posted[0].lines) == list(previewed.lines)

    request.category = "rural"
    with pytest.raises(Rejected) as err:
        as_user(api.PreviewCharge, request, None)
    assert err.value.code == "tariff_not_found"
    with pytest.raises(Rejected) as anonymous:  # no caller needed: readings without signing in are priced too
        api.PreviewCharge(request, None)
    assert anonymous.value.code == "tariff_not_found"
