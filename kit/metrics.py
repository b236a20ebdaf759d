"""Prometheus metrics of a service process: RED per gRPC method, the outbox, the consumers,
readiness, and the HTTP server that exposes them.

The metrics are prometheus_client collectors in its process-wide default registry, defined
once here (business counters next to the code where their fact happens, in a service's
entrypoints/ or adapters/). They hold no connection, so defining them at import is harmless;
what does touch the outside — the /metrics server and the periodic measurements — starts only
from a composition root (`kit.service`, `kit.worker`) and only when KABINET_METRICS_LISTEN is set.
docs/runtime.md lists every metric; tests/deploy checks that the alert rules and the dashboard
use only names defined in the code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator

import grpc
from prometheus_client import Counter, Gauge, Histogram, start_http_server
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from kit.aio import sleep_or_stop
from kit.errors import DomainError

log = logging.getLogger("kit.metrics")

SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

# --- the gRPC API (RED per method) -------------------------------------------------------
GRPC_HANDLED = Counter("kabinet_grpc_server_handled_total", "gRPC calls answered, by method and status code",
                       ["grpc_service", "grpc_method", "grpc_code"])
GRPC_SECONDS = Histogram("kabinet_grpc_server_handling_seconds", "Time to answer a gRPC call",
                         ["grpc_service", "grpc_method"], buckets=SECONDS)
SERVICE_READY = Gauge("kabinet_service_ready", "1 while the api reports SERVING on the standard health service",
                      ["service"])

# --- the outbox relay (worker) -----------------------------------------------------------
OUTBOX_WAITING = Gauge("kabinet_outbox_waiting_events", "Outbox events not published yet", ["service"])
OUTBOX_OLDEST_AGE = Gauge("kabinet_outbox_oldest_event_age_seconds",
                          "Age of the oldest outbox event not published yet (0 when none waits)", ["service"])
OUTBOX_PUBLISHED = Counter("kabinet_outbox_published_total", "Outbox events published to JetStream", ["service"])
OUTBOX_FAILURES = Counter("kabinet_outbox_publish_failures_total",
                          "Outbox batches whose publishing to JetStream failed (retried)", ["service"])

# --- the consumers (worker) --------------------------------------------------------------
CONSUMER_MESSAGES = Counter(
    "kabinet_consumer_messages_total",
    "Messages a consumer finished with: ok, duplicate, retry (nak), dead_letter, skipped (no handler)",
    ["durable", "subject", "outcome"])
CONSUMER_REDELIVERIES = Counter("kabinet_consumer_redeliveries_total",
                                "Messages delivered more than once (JetStream num_delivered > 1)",
                                ["durable", "subject"])
CONSUMER_SECONDS = Histogram("kabinet_consumer_handle_seconds",
                             "Time from taking a message to its ack, nak or term", ["durable", "subject"],
                             buckets=SECONDS)
CONSUMER_PENDING = Gauge("kabinet_consumer_pending_messages",
                         "Messages in the stream the consumer has not been given yet (its lag)",
                         ["stream", "durable"])
CONSUMER_ACK_PENDING = Gauge("kabinet_consumer_ack_pending_messages",
                             "Messages given to the consumer and not acknowledged yet", ["stream", "durable"])
DEAD_LETTERS = Counter("kabinet_consumer_dead_letters_total",
                       "Messages recorded as dead letters, by reason: undecodable, refused, gave_up",
                       ["durable", "subject", "reason"])


def serve(listen: str) -> tuple[str, int] | None:
    """Serve the metrics over HTTP on `listen` (host:port) from a daemon thread; nothing when empty.
    Returns the address bound (port 0 picks a free one)."""
    if not listen:
        return None
    host, _, port = listen.rpartition(":")
    server, _thread = start_http_server(int(port), addr=host.strip("[]") or "0.0.0.0")
    bound = server.server_address[:2]
    log.info("metrics on http://%s:%s/metrics", *bound)
    return bound


class RpcMetrics(grpc.ServerInterceptor):
    """Calls by method and status code, and their latency. First in the chain, so that it sees the
    status the inner interceptors set (a domain error's code, UNKNOWN for an unexpected one)."""

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        service, _, method = handler_call_details.method.lstrip("/").rpartition("/")
        behavior = handler.unary_unary

        def observed(request, context):
            started = time.perf_counter()
            failed = False
            try:
                return behavior(request, context)
            except Exception:
                failed = True
                raise
            finally:
                code = context.code() or (grpc.StatusCode.UNKNOWN if failed else grpc.StatusCode.OK)
                GRPC_HANDLED.labels(service, method, code.name).inc()
                GRPC_SECONDS.labels(service, method).observe(time.perf_counter() - started)

        return grpc.unary_unary_rpc_method_handler(
            observed, request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer)


def count_on_commit(session: Session, counter, amount: float = 1) -> None:
    """Count a fact once the transaction that records it commits; a rollback counts nothing.
    For repositories: `count_on_commit(self.session, ACCEPTED.labels(reading.source))`. The counts wait in
    the session's info for the two listeners below, registered once for every session (a listener per call
    cost ~4 % of a reading's submission)."""
    session.info.setdefault(_PENDING_COUNTS, []).append((counter, amount))


_PENDING_COUNTS = "kit.metrics.count_on_commit"


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    for counter, amount in session.info.pop(_PENDING_COUNTS, ()):
        counter.inc(amount)


@event.listens_for(Session, "after_transaction_end")
def _forget_uncounted(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit: nothing is counted
        session.info.pop(_PENDING_COUNTS, None)


@contextlib.contextmanager
def count_refusal(counter) -> Iterator[None]:
    """Count `counter` when the block is refused by a rule (raises a DomainError), then re-raise."""
    try:
        yield
    except DomainError:
        counter.inc()
        raise


def consumed(durable: str, msg, outcome: str, seconds: float) -> None:
    """One message a consumer finished with (kit.consumer)."""
    CONSUMER_MESSAGES.labels(durable, msg.subject, outcome).inc()
    CONSUMER_SECONDS.labels(durable, msg.subject).observe(seconds)
    if msg.metadata.num_delivered > 1:
        CONSUMER_REDELIVERIES.labels(durable, msg.subject).inc()


# The partial index outbox_unpublished keeps this cheap while the relay keeps up.
BACKLOG = text("SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) "
               "FROM outbox WHERE published_at IS NULL")


async def watch_outbox(service: str, uow_factory: Callable[[], object], stop: asyncio.Event,
                       interval: float = 15.0) -> None:
    """Measure the outbox backlog every `interval`, apart from the relay, so that the age keeps
    growing while the relay cannot publish (NATS away) — that is when it matters."""

    def measure() -> tuple[int, float]:
        with uow_factory() as uow:
            waiting, age = uow.session.execute(BACKLOG).one()
        return waiting, float(age)

    failing = False
    while not stop.is_set():
        try:
            waiting, age = await asyncio.to_thread(measure)
        except Exception as exc:  # noqa: BLE001 - the database away: the readiness alerts say so
            if not failing:
                log.warning("cannot measure the outbox: %s", exc)
            failing = True
        else:
            OUTBOX_WAITING.labels(service).set(waiting)
            OUTBOX_OLDEST_AGE.labels(service).set(age)
            failing = False
        await sleep_or_stop(stop, interval)


async def watch_consumers(js, subscriptions: list, stop: asyncio.Event, interval: float = 15.0) -> None:
    """Each consumer's lag from JetStream's consumer info, every `interval`."""
    while not stop.is_set():
        for sub in subscriptions:
            try:
                info = await js.consumer_info(sub.stream, sub.durable)
            except Exception:  # noqa: BLE001 - not created yet, or NATS away: the next round
                continue
            CONSUMER_PENDING.labels(sub.stream, sub.durable).set(info.num_pending or 0)
            CONSUMER_ACK_PENDING.labels(sub.stream, sub.durable).set(info.num_ack_pending or 0)
        await sleep_or_stop(stop, interval)
