"""Notify against real PostgreSQL and NATS JetStream: codes into the dev outbox exactly once,
readings and charges into the inbox, and the gRPC API."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid
from pathlib import Path

import pytest
from kabinet.auth.v1 import auth_pb2
from kabinet.notify.v1 import notify_pb2
from kabinet.payments.v1 import payments_pb2
from kabinet.readings.v1 import readings_pb2
from nats.js.errors import NotFoundError
from sqlalchemy import func, select

from kit.consumer import ConsumerLoop
from kit.context import Caller, caller_var
from kit.errors import NotFound
from kit.events import Event, encode, stream_of
from kit.jetstream import connect, ensure_stream
from kit.migrations import upgrade
from kit.outbox import dead_letters, processed_events
from kit.settings import load
from services.notify import bootstrap
from services.notify.adapters.delivery import UnconfiguredSender
from services.notify.adapters.orm import deliveries, dev_outbox, inbox
from services.notify.config import NotifyConfig
from services.notify.domain.model import message_id_for
from services.notify.entrypoints.api import NotifyServicer
from services.notify.entrypoints.events import subscriptions

pytestmark = pytest.mark.integration

USER = "f2aee3e9-98eb-5237-a1bc-d44f87cd889c"
ACCOUNT = "b96f0cb8-a399-516a-b116-c9c892ea28e0"
PHONE = "+79000000001"


@pytest.fixture
def rt(database_url_factory, nats_url):
    url = database_url_factory("notify")
    upgrade(url, Path(bootstrap.__file__).parent / "migrations")
    config = load(NotifyConfig, profile="test", database_url=url, nats_url=nats_url)
    runtime = bootstrap.SERVICE.runtime(config)
    runtime.senders = bootstrap.senders(config, runtime)
    yield runtime
    runtime.engine.dispose()


def count(rt, table, *where) -> int:
    with rt.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def consume(rt, nats_url, published, until, timeout=20.0, retries=None):
    """Publish (event, Nats-Msg-Id) pairs to fresh streams and run notify's consumers until `until()`."""

    async def scenario():
        nc = await connect([nats_url], "notify-test")
        js = nc.jetstream()
        for stream in ("AUTH", "ACCOUNTS", "READINGS", "PAYMENTS", "NOTIFY"):
            with contextlib.suppress(NotFoundError):  # a first run has none
                await js.delete_stream(stream)
            await ensure_stream(js, stream)
        for event, msg_id in published:
            await js.publish(event.type, encode(event, stream_of(event.type).lower()),
                             headers={"Nats-Msg-Id": msg_id})
        stop = asyncio.Event()
        tasks = [asyncio.create_task(ConsumerLoop(js, sub, rt.uow).run(stop))
                 for sub in subscriptions(rt.senders, retries)]
        try:
            async with asyncio.timeout(timeout):
                while not until():
                    await asyncio.sleep(0.05)
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            await nc.close()

    asyncio.run(scenario())


def code_event(purpose="registration", code="654321", channel="sms", destination=PHONE) -> Event:
    return Event(type="auth.code.requested", aggregate_id=USER, payload=auth_pb2.CodeRequested(
        channel=channel, destination=destination, purpose=purpose, code=code, ttl_seconds=600, user_id=USER))


def delivery_of(rt, event: Event, channel: str):
    with rt.engine.connect() as conn:
        return conn.execute(select(deliveries).where(
            deliveries.c.message_id == message_id_for(event.id, channel))).one_or_none()


def reading_event(submitted_by=USER) -> Event:
    payload = readings_pb2.ReadingAccepted(
        reading_id=str(uuid.uuid4()), account_id=ACCOUNT, submitted_by=submitted_by,
        values=[readings_pb2.ZoneValue(zone="total", value="10512.345")],
        consumption=[readings_pb2.ZoneValue(zone="total", value="12.345")])
    payload.taken_at.FromDatetime(dt.datetime.now(dt.UTC))
    return Event(type="readings.reading.accepted", aggregate_id=ACCOUNT, payload=payload)


def charge_event() -> Event:
    return Event(type="payments.charge.posted", aggregate_id=ACCOUNT, payload=payments_pb2.ChargePosted(
        charge_id=str(uuid.uuid4()), account_id=ACCOUNT, kind="preliminary", amount_kop=8703,
        reading_id=str(uuid.uuid4()), user_id=USER, balance_kop=-153778, balance_state="debt"),
        occurred_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))


def as_user(fn, *args):
    token = caller_var.set(Caller(user_id=USER, kind="person"))
    try:
        return fn(*args)
    finally:
        caller_var.reset(token)


def test_codes_reach_the_dev_outbox_once_and_the_inbox_fills_from_facts(rt, nats_url):
    code = code_event()
    email = code_event("recovery", "111222", "email", "ivanov@example.ru")
    published = [(code, "1"), (code, "2"),  # one event under two message ids
                 (email, "3"), (code_event("already_registered", ""), "4"),
                 (reading_event(), "5"), (reading_event(submitted_by=""), "6"), (charge_event(), "7")]
    consume(rt, nats_url, published, lambda: count(rt, processed_events) >= 6)

    assert count(rt, dead_letters) == 0
    assert count(rt, dev_outbox) == 3
    assert count(rt, deliveries, deliveries.c.status == "sent", deliveries.c.attempts == 1) == 3
    api = NotifyServicer(rt.uow, dev_outbox=True)

    to_phone = api.ListDevOutbox(notify_pb2.ListDevOutboxRequest(destination=PHONE), None).messages
    assert [m.body for m in to_phone][1] == "Код подтверждения регистрации: 654321. Никому не сообщайте его."
    assert "уже зарегистрирован" in to_phone[0].body  # newest first
    without_plus = api.ListDevOutbox(notify_pb2.ListDevOutboxRequest(destination=" 79000000001"), None)
    assert len(without_plus.messages) == 2
    [mail] = api.ListDevOutbox(notify_pb2.ListDevOutboxRequest(destination="ivanov@example.ru"), None).messages
    assert (mail.channel, mail.subject) == ("email", "Восстановление пароля") and "111222" in mail.body
    assert len(api.ListDevOutbox(notify_pb2.ListDevOutboxRequest(), None).messages) == 3

    messages = as_user(api.ListInbox, notify_pb2.ListInboxRequest(), None).messages
    assert [m.title for m in messages] == ["Предварительное начисление: 87,03\u00a0₽", "Показания приняты"]
    assert all(m.account_id == ACCOUNT and not m.read for m in messages)
    assert "10512,345" in messages[1].body


def test_the_dev_outbox_is_not_found_in_production(rt):
    with pytest.raises(NotFound):
        NotifyServicer(rt.uow, dev_outbox=False).ListDevOutbox(notify_pb2.ListDevOutboxRequest(), None)


def test_a_channel_without_an_adapter_records_a_failed_delivery(rt, nats_url):
    rt.senders = {"sms": UnconfiguredSender("sms"), "email": UnconfiguredSender("email")}
    consume(rt, nats_url, [(code_event(), "1")], lambda: count(rt, processed_events) >= 1)
    with rt.engine.connect() as conn:
        row = conn.execute(select(deliveries)).one()
    assert (row.status, row.attempts, row.channel, row.purpose) == ("failed", 1, "sms", "registration")
    assert "no delivery adapter" in row.error
    assert count(rt, dev_outbox) == 0 and count(rt, inbox) == 0
