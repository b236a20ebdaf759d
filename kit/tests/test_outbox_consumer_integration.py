"""The outbox relay and the consumer loop against real PostgreSQL and NATS JetStream."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import psycopg
import pytest
from kabinet.readings.v1 import readings_pb2
from sqlalchemy import create_engine, select, text, update

from kit.consumer import ConsumerLoop, Subscription
from kit.db import UnitOfWork, session_factory
from kit.errors import Rejected
from kit.events import Event
from kit.jetstream import connect, ensure_stream
from kit.migrations import _NOTIFY_TRIGGER
from kit.outbox import OutboxRelay, dead_letters, kit_metadata, outbox, processed_events

pytestmark = pytest.mark.integration


@pytest.fixture
def db(database_url_factory):
    url = database_url_factory()
    engine = create_engine(url)
    kit_metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text(_NOTIFY_TRIGGER))
        conn.execute(text("CREATE TABLE effects (event_id text PRIMARY KEY, n int NOT NULL DEFAULT 1)"))
    yield url, engine
    engine.dispose()


def uow_factory(engine):
    sessions = session_factory(engine)
    return lambda: UnitOfWork(sessions, "test")


def reading_event(account_id: str) -> Event:
    return Event(type="readings.reading.accepted", aggregate_id=account_id,
                 payload=readings_pb2.ReadingAccepted(reading_id=str(uuid.uuid4()), account_id=account_id))


def emit(engine, *events: Event) -> None:
    with uow_factory(engine)() as uow:
        for e in events:
            uow.emit(e)
        uow.commit()


async def fresh_stream(nats_url: str):
    nc = await connect([nats_url], "test")
    js = nc.jetstream()
    with contextlib.suppress(Exception):  # may not exist yet
        await js.delete_stream("READINGS")
    await ensure_stream(js, "READINGS")
    return nc, js


async def run_until(coro_factory, condition, timeout: float = 10.0) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(coro_factory(stop))
    try:
        async with asyncio.timeout(timeout):
            while not await condition():
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task


def test_relay_publishes_committed_events_in_order_once(db, nats_url):
    url, engine = db
    events = [reading_event(f"acc-{i}") for i in range(5)]
    emit(engine, *events)

    async def scenario():
        nc, js = await fresh_stream(nats_url)
        relay = OutboxRelay(url, js)

        async def stream_has(n):
            return (await js.stream_info("READINGS")).state.messages >= n

        await run_until(relay.run, lambda: stream_has(5))
        # A crash after publishing and before marking sent: the rows come back unsent.
        with engine.begin() as conn:
            conn.execute(update(outbox).values(published_at=None))
        await run_until(OutboxRelay(url, js).run, lambda: _all_published(engine))
        info = await js.stream_info("READINGS")
        sub = await js.pull_subscribe("readings.>", durable="order-check", stream="READINGS")
        msgs = await sub.fetch(10, timeout=2)
        await nc.close()
        return info.state.messages, [m.headers["Nats-Msg-Id"] for m in msgs]

    count, ids = asyncio.run(scenario())
    assert count == 5  # republished with the same Nats-Msg-Id: dropped as duplicates
    assert ids == [e.id for e in events]


async def _all_published(engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(outbox).where(outbox.c.published_at.is_(None))).first() is None


def test_a_batch_nobody_acknowledges_stays_unsent_and_leaves_no_ack_waiting(db, nats_url):
    """No stream for the subject: the batch fails as a whole, its rows stay unsent for the next try, and the
    client's window of unacknowledged publishes is empty again."""
    url, engine = db
    emit(engine, *[Event(type="nowhere.thing.happened", aggregate_id=f"a{i}",
                         payload=readings_pb2.ReadingAccepted()) for i in range(3)])

    async def scenario():
        nc, js = await fresh_stream(nats_url)
        relay = OutboxRelay(url, js)
        async with await psycopg.AsyncConnection.connect(relay.dsn) as conn:
            with pytest.raises(Exception):  # noqa: B017 - whichever error the client raises for no responders
                await relay.publish_batch(conn)
        pending = js.publish_async_pending()
        await nc.close()
        return pending

    assert asyncio.run(scenario()) == 0
    assert not asyncio.run(_all_published(engine))


def test_relay_wakes_on_notify_without_polling(db, nats_url):
    url, engine = db

    async def scenario():
        nc, js = await fresh_stream(nats_url)
        relay = OutboxRelay(url, js, poll_seconds=30.0)  # only NOTIFY can wake it in time
        stop = asyncio.Event()
        task = asyncio.create_task(relay.run(stop))
        await asyncio.sleep(0.5)
        await asyncio.to_thread(emit, engine, reading_event("acc"))
        try:
            async with asyncio.timeout(5):
                while (await js.stream_info("READINGS")).state.messages < 1:
                    await asyncio.sleep(0.02)
        finally:
            stop.set()
            await task
            await nc.close()

    asyncio.run(scenario())


def _consume(url, engine, nats_url, handler, publish, until, max_deliver=3, shared=False, batch=None):
    """`batch`: a batch handler instead of `handler` (test_consumer_batches)."""
    async def scenario():
        nc, js = await fresh_stream(nats_url)
        for data, msg_id in publish:
            await js.publish("readings.reading.accepted", data, headers={"Nats-Msg-Id": msg_id})
        subject = "readings.reading.accepted"
        loop = ConsumerLoop(js, Subscription(durable=f"t-{uuid.uuid4().hex[:8]}", max_deliver=max_deliver,
                                             handlers={} if batch else {subject: handler},
                                             batch_handlers={subject: batch} if batch else {},
                                             shared_transaction=shared or batch is not None),
                            uow_factory(engine))
        await run_until(loop.run, until, timeout=20)
        await nc.close()
    asyncio.run(scenario())


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(text("count(*)")).select_from(table)).scalar()


def record_effect(event, uow):
    uow.session.execute(text("INSERT INTO effects (event_id) VALUES (:id) "
                             "ON CONFLICT (event_id) DO UPDATE SET n = effects.n + 1"), {"id": event.id})


def test_the_same_event_delivered_twice_has_one_effect(db, nats_url):
    url, engine = db
    from kit.events import encode

    event = reading_event("acc")
    data = encode(event, "readings")

    async def handled():
        return _count(engine, processed_events) >= 1

    # Two different message ids defeat JetStream's dedup: the consumer must hold the line.
    _consume(url, engine, nats_url, record_effect, [(data, "a"), (data, "b")], handled)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM effects")).scalar_one() == 1


def test_poison_and_refused_events_become_dead_letters(db, nats_url):
    url, engine = db
    from kit.events import encode

    def refuse(event, uow):
        raise Rejected("нет тарифа", code="no_tariff")

    async def two_dead():
        return _count(engine, dead_letters) >= 2

    _consume(url, engine, nats_url, refuse, [(b"garbage", "g"), (encode(reading_event("a"), "readings"), "r")],
             two_dead)
    with engine.connect() as conn:
        errors = sorted(r.error.split(":")[0] for r in conn.execute(select(dead_letters)))
    assert errors == ["refused", "undecodable"]
    assert _count(engine, processed_events) == 0  # the refused handler's transaction was rolled back


def test_transient_failures_are_retried_then_dead_lettered_past_max_deliver(db, nats_url):
    url, engine = db
    from kit.events import encode

    attempts: dict[str, int] = {}

    def flaky(event, uow):
        attempts[event.aggregate_id] = attempts.get(event.aggregate_id, 0) + 1
        if event.aggregate_id == "never" or attempts[event.aggregate_id] < 2:
            raise ConnectionError("database blinked")
        record_effect(event, uow)

    async def settled():
        return _count(engine, dead_letters) >= 1 and _count(engine, processed_events) >= 1

    _consume(url, engine, nats_url, flaky,
             [(encode(reading_event("once"), "readings"), "1"), (encode(reading_event("never"), "readings"), "2")],
             settled, max_deliver=3)
    assert attempts == {"once": 2, "never": 3}
    with engine.connect() as conn:
        assert conn.execute(select(dead_letters.c.deliveries)).scalar_one() == 3


def test_a_shared_transaction_handles_a_fetch_once_and_settles_each_alone_when_a_handler_fails(db, nats_url):
    url, engine = db
    from kit.events import encode

    def handler(event, uow):
        record_effect(event, uow)
        uow.emit(Event(type="readings.reading.accepted", aggregate_id=f"echo-{event.aggregate_id}",
                       payload=event.payload))
        if event.aggregate_id == "refused":
            raise Rejected("нет тарифа", code="no_tariff")

    def run(names, settled):
        events = [reading_event(name) for name in names]
        publish = [(encode(e, "readings"), e.id) for e in events] + [(encode(events[0], "readings"), "again")]
        _consume(url, engine, nats_url, handler, publish, settled, shared=True)
        return events

    async def four_processed():
        return _count(engine, processed_events) >= 4

    events = run(("a", "b", "c", "d"), four_processed)
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT event_id, n FROM effects")).all()) == {e.id: 1 for e in events}
        assert _count(engine, outbox) == 4  # each handler's event once; the re-sent "a" had no effect

    async def settled():
        return _count(engine, processed_events) >= 7 and _count(engine, dead_letters) >= 1

    events = run(("e", "refused", "f", "g"), settled)  # rolled back together, then each on its own
    with engine.connect() as conn:
        effects = dict(conn.execute(text("SELECT event_id, n FROM effects")).all())
        echoed = sorted(r.aggregate_id for r in conn.execute(select(outbox.c.aggregate_id)))
    assert all(effects[e.id] == 1 for e in events if e.aggregate_id != "refused") and len(effects) == 7
    assert echoed == ["echo-a", "echo-b", "echo-c", "echo-d", "echo-e", "echo-f", "echo-g"]
