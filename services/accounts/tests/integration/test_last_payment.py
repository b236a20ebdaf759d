"""The last-payment loop (payments.payment.posted -> a binding proof, once per ledger entry) through the real
consumer on NATS, and FindAccount, the number lookup that needs no caller."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from kabinet.accounts.v1 import accounts_pb2 as pb
from kabinet.payments.v1 import payments_pb2
from sqlalchemy import func, select

from kit.consumer import ConsumerLoop
from kit.errors import InvalidInput, NotFound
from kit.events import Event, encode
from kit.jetstream import connect, ensure_stream
from services.accounts.adapters.orm import payments
from services.accounts.entrypoints.events import subscriptions
from services.accounts.tests.demo import DEMO_SUPPLIER
from services.accounts.tests.integration.test_cabinet import PETROVA, api, call, person, rt  # noqa: F401

pytestmark = pytest.mark.integration
TODAY = dt.date.today()


def posted(entry_id: str, amount_kop: int, *, bucket: str = "energy", channel: str = "bank",
           account_id: str = PETROVA, paid_on: dt.date = TODAY) -> Event:
    return Event(type="payments.payment.posted", aggregate_id=account_id, payload=payments_pb2.PaymentPosted(
        entry_id=entry_id, account_id=account_id, amount_kop=amount_kop, bucket=bucket, channel=channel,
        paid_on=paid_on.isoformat(), balance_kop=0, balance_state="zero"))


def ledger_rows(runtime) -> int:
    with runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(payments).where(
            payments.c.external_id.like("ledger:%"))).scalar_one()


def consume(runtime, nats_url, published: list[tuple[Event, str]], until, timeout: float = 20.0) -> None:
    async def scenario():
        nc = await connect([nats_url], "accounts-test")
        js = nc.jetstream()
        await ensure_stream(js, "PAYMENTS")
        for event, msg_id in published:
            await js.publish(event.type, encode(event, "payments"), headers={"Nats-Msg-Id": msg_id})
        stop = asyncio.Event()
        task = asyncio.create_task(ConsumerLoop(js, subscriptions()[0], runtime.uow).run(stop))
        try:
            async with asyncio.timeout(timeout):
                while not until():
                    await asyncio.sleep(0.05)
        finally:
            stop.set()
            await task
            await nc.close()

    asyncio.run(scenario())


def bind(api, who, amount_kop: int, date: dt.date = TODAY):  # noqa: F811
    return call(api, who, "BindAccount", pb.BindAccountRequest(
        number="12-10000002", last_payment=pb.LastPaymentProof(date=date.isoformat(), amount_kop=amount_kop)))


def test_a_posted_payment_is_a_binding_proof_once_per_entry(api, rt, nats_url):  # noqa: F811
    with pytest.raises(NotFound):  # not paid yet
        bind(api, person(), 150000)
    energy, penalties = str(uuid.uuid4()), str(uuid.uuid4())
    run = uuid.uuid4().hex
    consume(rt, nats_url, [
        (posted(energy, 120000), f"{run}-1"),
        (posted(energy, 120000), f"{run}-2"),                    # the same event delivered again
        (posted(penalties, 30000, bucket="penalties"), f"{run}-3"),
        (posted(str(uuid.uuid4()), -5000), f"{run}-4"),          # a refund is no proof
        (posted(str(uuid.uuid4()), 7000, account_id=str(uuid.uuid4())), f"{run}-5"),  # not an account here
    ], until=lambda: ledger_rows(rt) >= 2)
    consume(rt, nats_url, [(posted(energy, 120000), f"{run}-6")], until=lambda: True)  # a new event, same entry
    assert ledger_rows(rt) == 2
    # one payment split between energy and penalties is named as one sum; a bank payment that reached the
    # ledger needs no third-party grace: it is known here at once
    card = bind(api, person(), 150000)
    assert card.account_id == PETROVA
    with pytest.raises(NotFound):
        bind(api, person(), 120000)


def test_find_account_by_number_needs_no_caller(api):  # noqa: F811
    found = api.FindAccount(pb.FindAccountRequest(number="0012-010000002", supplier_id=DEMO_SUPPLIER), None)
    assert (found.account_id, found.supplier_id, found.number) == (PETROVA, DEMO_SUPPLIER, "12-10000002")
    assert api.FindAccount(pb.FindAccountRequest(number="12-10000002"), None).account_id == PETROVA
    for request in (pb.FindAccountRequest(number="12-99999999"),
                    pb.FindAccountRequest(number="12-10000002", supplier_id=str(uuid.uuid4())),
                    pb.FindAccountRequest(number="12-10000002", supplier_id="not-a-uuid")):
        with pytest.raises(NotFound) as err:
            api.FindAccount(request, None)
        assert err.value.code == "account_not_found"
    with pytest.raises(InvalidInput) as err:
        api.FindAccount(pb.FindAccountRequest(number="нет"), None)
    assert err.value.code == "invalid_account_number"
