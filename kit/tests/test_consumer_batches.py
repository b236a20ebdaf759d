"""Batch handlers of the consumer: the fresh events of a fetch go to one call in the shared transaction; duplicates
are left out; batches keep the stream's order; a failing batch is settled one event at a time (each a list of one), a refused one dead-lettered."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kit.consumer import ConsumerLoop, Subscription
from kit.errors import Rejected
from kit.events import Event, encode
from kit.outbox import dead_letters, processed_events
from kit.tests import test_outbox_consumer_integration as base
from kit.tests.test_outbox_consumer_integration import _consume, _count, reading_event, record_effect

pytestmark = pytest.mark.integration
db = base.db  # the fixture: a database with the kit's tables and an `effects` table


def test_a_batch_handler_needs_a_shared_transaction():
    with pytest.raises(ValueError):
        Subscription(durable="d", handlers={}, batch_handlers={"readings.due": lambda events, uow: None})


def test_a_fetch_reaches_a_batch_handler_at_once_and_duplicates_stay_out(db, nats_url):
    url, engine = db
    calls: list[int] = []

    def batch(events, uow):
        calls.append(len(events))
        for event in events:
            record_effect(event, uow)

    events = [reading_event(f"a{i}") for i in range(20)]
    publish = [(encode(e, "readings"), e.id) for e in events] + [(encode(events[0], "readings"), "again")]

    async def all_processed():
        return _count(engine, processed_events) >= 20

    _consume(url, engine, nats_url, None, publish, all_processed, batch=batch)
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT event_id, n FROM effects")).all()) == {e.id: 1 for e in events}
    assert sum(calls) == 20 and max(calls) > 1  # together, not one by one


def test_a_failing_batch_is_settled_one_event_at_a_time(db, nats_url):
    url, engine = db
    calls: list[int] = []

    def batch(events, uow):
        calls.append(len(events))
        for event in events:
            if event.aggregate_id == "refused":
                raise Rejected("нет такого", code="nope")
            record_effect(event, uow)

    events = [reading_event(name) for name in ("a", "refused", "b", "c")]

    async def settled():
        return _count(engine, processed_events) >= 3 and _count(engine, dead_letters) >= 1

    _consume(url, engine, nats_url, None, [(encode(e, "readings"), e.id) for e in events], settled, batch=batch)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM effects")).scalar_one() == 3
    assert 1 in calls


def test_batches_keep_the_streams_order(db):
    """A fact, its correction, more facts: the correction's handler runs between the batches around it, as the
    stream has them (a correction handled before the fact it corrects would find nothing to correct)."""
    _url, engine = db
    calls: list[tuple[str, list[str]]] = []

    def accepted(events, uow):
        calls.append(("accepted", [e.aggregate_id for e in events]))

    def corrected(event, uow):
        calls.append(("corrected", [event.aggregate_id]))

    loop = ConsumerLoop(None, Subscription(durable="d", handlers={"readings.reading.corrected": corrected},
                                           batch_handlers={"readings.reading.accepted": accepted},
                                           shared_transaction=True), base.uow_factory(engine))
    a, b, c, d = (reading_event(name) for name in "abcd")
    fix = Event(type="readings.reading.corrected", aggregate_id="b-fixed", payload=a.payload)
    events = [a, b, fix, c, d]
    assert loop._handle_together([(loop.sub.handler_for(e.type), e) for e in events]) == ["ok"] * 5
    assert calls == [("accepted", ["a", "b"]), ("corrected", ["b-fixed"]), ("accepted", ["c", "d"])]
