"""The consumer loop: a durable pull consumer whose handler runs exactly once per event.

For each message: decode the envelope; in one database transaction record
(consumer, event id) in processed_events and run the handler; commit; then ack.
A duplicate finds its id already recorded and is acked without effect.
A subscription whose handlers only write to the database may share one
transaction among the messages of a fetch (`shared_transaction`): every event
claimed in one statement, the handlers run, one commit; when a handler fails,
all of it is rolled back and the messages are settled one at a time as above.
A batch handler (`batch_handlers`, with a shared transaction) gets the fresh
events of its subject that follow each other in a fetch at once, so that
set-based code (one statement for many rows) serves a flood of them while the
stream's order holds; alone it gets a list of one.
Transient failures are nak'ed with a growing delay; poison messages (undecodable,
or refused by the domain) and messages past max_deliver are recorded as dead
letters and terminated.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kit.aio import sleep_or_stop
from kit.context import request_id_var
from kit.errors import DomainError
from kit.events import Event, UndecodableEvent, decode, stream_of
from kit.jetstream import ensure_consumer
from kit.logging import ctx
from kit.metrics import DEAD_LETTERS, consumed
from kit.outbox import dead_letters, processed_events
from kit.tracing import consuming

log = logging.getLogger("kit.consumer")

LINGER_SECONDS = 0.02  # a shared-transaction consumer's pause after a fetch that was not full
_CLAIM_ALL = text("INSERT INTO processed_events (consumer, event_id) SELECT :consumer, unnest(CAST(:ids AS uuid[])) "
                  "ON CONFLICT DO NOTHING RETURNING event_id")
_CLAIM = pg_insert(processed_events).on_conflict_do_nothing().returning(processed_events.c.event_id)  # built once

Handler = Callable[[Event, object], None]  # (event, unit of work) -> None; the kit commits
BatchHandler = Callable[[Sequence[Event], object], None]  # (events of one subject, unit of work) -> None


@dataclass(frozen=True)
class Subscription:
    """What a service listens to: `handlers` maps subject -> handler(event, uow); `batch_handlers` subject ->
    handler(events, uow), for a shared transaction only."""

    durable: str
    handlers: dict[str, Handler]
    max_deliver: int = 10
    ack_wait: float = 30.0
    batch: int = 64
    # the messages of a fetch in one transaction (claimed together, one commit): only for handlers whose every
    # effect is a write in the unit of work (no provider call, nothing sent) — a failure runs them again one by one
    shared_transaction: bool = False
    batch_handlers: dict[str, BatchHandler] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.batch_handlers and not self.shared_transaction:
            raise ValueError(f"{self.durable}: batch handlers need shared_transaction=True")

    @property
    def subjects(self) -> list[str]:
        return [*self.handlers, *self.batch_handlers]

    def handler_for(self, subject: str) -> Handler | None:
        """The handler of one event (a batch handler gets a list of one)."""
        batch = self.batch_handlers.get(subject)
        if batch is not None:
            return lambda event, uow: batch([event], uow)
        return self.handlers.get(subject)

    @property
    def stream(self) -> str:
        streams = {stream_of(s) for s in self.subjects}
        if len(streams) != 1:
            raise ValueError(f"{self.durable}: one subscription reads one stream, got {streams}")
        return streams.pop()


class ConsumerLoop:
    def __init__(self, js, subscription: Subscription, uow_factory: Callable[[], object]) -> None:
        self.js = js
        self.sub = subscription
        self.uow_factory = uow_factory

    async def run(self, stop: asyncio.Event) -> None:
        sub = None
        while sub is None and not stop.is_set():
            try:
                await ensure_consumer(self.js, self.sub.stream, self.sub.durable, self.sub.subjects,
                                      max_deliver=self.sub.max_deliver, ack_wait=self.sub.ack_wait)
                sub = await self.js.pull_subscribe_bind(durable=self.sub.durable, stream=self.sub.stream)
            except Exception as exc:  # noqa: BLE001 - NATS not there yet
                log.warning("consumer %s not ready: %s", self.sub.durable, exc)
                await sleep_or_stop(stop, 1.0)
        while not stop.is_set():
            try:
                msgs = await sub.fetch(self.sub.batch, timeout=1.0)
            except TimeoutError:
                continue
            except Exception as exc:  # noqa: BLE001 - connection trouble; nats-py reconnects
                log.warning("consumer %s fetch failed: %s", self.sub.durable, exc)
                await sleep_or_stop(stop, 0.5)
                continue
            fetched = len(msgs)
            if self.sub.shared_transaction and fetched > 1:
                msgs = await self._process_together(msgs)
            for msg in msgs:
                started = time.perf_counter()
                outcome = await self._process(msg)
                consumed(self.sub.durable, msg, outcome, time.perf_counter() - started)
            if self.sub.shared_transaction and fetched < self.sub.batch:
                # a steady flow arrives a message or two at a time: wait a moment so that the next fetch carries
                # more of them in one transaction (the events' handlers are not in a hurry)
                await sleep_or_stop(stop, LINGER_SECONDS)
        if sub is not None:
            # nats-py never marks fetched messages done on a pull subscription, so
            # nc.drain() would wait for it forever: leave it before the drain.
            try:
                await sub.unsubscribe()
            except Exception as exc:  # noqa: BLE001 - connection already gone
                log.info("consumer %s unsubscribe: %s", self.sub.durable, exc)

    async def _process(self, msg) -> str:
        """Settle one message; returns the outcome (kit.metrics.CONSUMER_MESSAGES)."""
        deliveries = msg.metadata.num_delivered
        try:
            event = decode(msg.data)
        except UndecodableEvent as exc:
            return await self._dead_letter(msg, None, f"undecodable: {exc}", deliveries, "undecodable")
        handler = self.sub.handler_for(msg.subject)
        if handler is None:  # filtered consumers only get what they asked for; be safe
            await msg.ack()
            return "skipped"
        try:
            fresh = await asyncio.to_thread(self._handle_once, handler, event)
        except DomainError as exc:
            return await self._dead_letter(msg, event, f"refused: {exc}", deliveries, "refused")
        except Exception as exc:  # noqa: BLE001 - transient until max_deliver
            if deliveries >= self.sub.max_deliver:
                return await self._dead_letter(msg, event, f"gave up: {exc!r}", deliveries, "gave_up")
            delay = min(0.5 * 2 ** (deliveries - 1), 30.0)
            log.warning("handler failed, redelivery in %.1fs: %r", delay,
                        exc, extra=ctx(consumer=self.sub.durable, event_id=event.id))
            await msg.nak(delay=delay)
            return "retry"
        await msg.ack()
        return "ok" if fresh else "duplicate"

    async def _process_together(self, msgs: list) -> list:
        """Settle the messages of a fetch in one transaction, up to the first that cannot be decoded or has no
        handler; return those left for one at a time (all of them when a handler or the commit failed)."""
        items = []
        for msg in msgs:
            try:
                event = decode(msg.data)
            except UndecodableEvent:
                break
            handler = self.sub.handler_for(msg.subject)
            if handler is None:
                break
            items.append((handler, event))
        if not items:
            return msgs
        started = time.perf_counter()
        try:
            outcomes = await asyncio.to_thread(self._handle_together, items)
        except Exception as exc:  # noqa: BLE001 - each on its own, with its own retries and dead letters
            log.info("shared transaction failed, one at a time: %r", exc, extra=ctx(consumer=self.sub.durable))
            return msgs
        elapsed = (time.perf_counter() - started) / len(outcomes)
        for msg, outcome in zip(msgs, outcomes, strict=False):
            await msg.ack()
            consumed(self.sub.durable, msg, outcome, elapsed)
        return msgs[len(outcomes):]

    def _handle_together(self, items: list[tuple[Handler, Event]]) -> list[str]:
        """Claim every event in one statement, run the handlers of the fresh ones in the stream's order, commit
        once; the outcomes ("ok" or "duplicate"). Consecutive fresh events of one batch handler's subject go to it
        together (so a correction that follows a fact is handled after it). A handler's exception rolls
        everything back and propagates."""
        outcomes: list[str] = []
        run: list[Event] = []  # consecutive fresh events of one batch subject, not handled yet

        def flush() -> None:
            if run:
                with consuming(run[0], self.sub.durable):  # traced as the first of them
                    self.sub.batch_handlers[run[0].type](list(run), uow)
                run.clear()

        with self.uow_factory() as uow:
            fresh = {str(row[0]) for row in uow.session.execute(
                _CLAIM_ALL, {"consumer": self.sub.durable, "ids": [event.id for _, event in items]})}
            for handler, event in items:
                if event.id not in fresh:
                    log.info("duplicate event skipped", extra=ctx(event_id=event.id, subject=event.type))
                    outcomes.append("duplicate")
                    continue
                fresh.discard(event.id)  # the same event twice in one fetch: the second is a duplicate
                outcomes.append("ok")
                if run and run[0].type != event.type:
                    flush()
                if event.type in self.sub.batch_handlers:
                    run.append(event)
                    continue
                token = request_id_var.set(event.trace_id)
                try:
                    with consuming(event, self.sub.durable):
                        handler(event, uow)
                finally:
                    request_id_var.reset(token)
            flush()
            uow.commit()
        return outcomes

    def _claim(self, uow, event: Event) -> bool:
        """Record (consumer, event id); False when it was recorded before (a duplicate)."""
        fresh = uow.session.execute(_CLAIM, {"consumer": self.sub.durable, "event_id": event.id}).first()
        if fresh is None:
            log.info("duplicate event skipped", extra=ctx(event_id=event.id, subject=event.type))
        return fresh is not None

    def _handle_once(self, handler: Handler, event: Event) -> bool:
        """False when the event was processed before (a duplicate)."""
        token = request_id_var.set(event.trace_id)
        try:
            with consuming(event, self.sub.durable), self.uow_factory() as uow:
                if not self._claim(uow, event):
                    return False
                handler(event, uow)
                uow.commit()
                return True
        finally:
            request_id_var.reset(token)

    async def _dead_letter(self, msg, event: Event | None, error: str, deliveries: int, reason: str) -> str:
        def record():
            with self.uow_factory() as uow:
                uow.session.execute(insert(dead_letters).values(
                    consumer=self.sub.durable, subject=msg.subject, event_id=event.id if event else None,
                    data=msg.data, error=error[:2000], deliveries=deliveries))
                uow.commit()

        log.error("dead letter: %s", error, extra=ctx(consumer=self.sub.durable, subject=msg.subject))
        try:
            await asyncio.to_thread(record)
        except Exception as exc:  # noqa: BLE001 - cannot record: let it be redelivered
            log.error("cannot record dead letter: %r", exc)
            await msg.nak(delay=5.0)
            return "retry"
        await msg.term()
        DEAD_LETTERS.labels(self.sub.durable, msg.subject, reason).inc()
        return "dead_letter"

