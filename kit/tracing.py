"""Traces (OpenTelemetry): one trace per request, from the gateway through gRPC and SQL and over
the outbox -> JetStream -> consumer hop, whose envelope carries the W3C `traceparent`.

    provider = configure("readings-api", config.trace_file)   # once, in a composition root

Without an exporter (neither `OTEL_EXPORTER_OTLP_ENDPOINT` / `..._TRACES_ENDPOINT` nor
KABINET_TRACE_FILE) nothing is installed: no instrumentation wraps Flask, gRPC or SQLAlchemy,
and the helpers below return the plain channel, no interceptors and no span. That is how
tracing costs nothing when it is off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

if TYPE_CHECKING:
    import grpc
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
    from sqlalchemy import Engine

_W3C = TraceContextTextMapPropagator()
_NOT_TRACED = contextlib.nullcontext()
_installed = False  # configure installed this process's tracer provider


def configure(process: str, trace_file: str = "") -> TracerProvider | None:
    """Install the process's tracer provider when an exporter is configured (before its engines,
    channels and servers are made: they are traced only then); else do nothing and return None.
    OTLP over HTTP follows the standard OTEL_EXPORTER_OTLP_* variables; OTEL_TRACES_SAMPLER,
    when set, replaces our sampler."""
    if enabled():
        return trace.get_tracer_provider()  # a second composition root in the same process
    otlp = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true" or not (otlp or trace_file):
        return None

    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(
        resource=Resource.create({"service.name": process, "process.pid": os.getpid()}),
        sampler=None if os.environ.get("OTEL_TRACES_SAMPLER") else default_sampler())
    if trace_file:
        # Written as each span ends, so that `python -m tools.trace` sees a request at once.
        provider.add_span_processor(SimpleSpanProcessor(JsonLinesExporter(trace_file, process)))
    if otlp:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    global _installed
    _installed = True
    return provider


def enabled() -> bool:
    """Whether `configure` installed a provider in this process (every hot statement asks: a flag, where
    OpenTelemetry's own get_tracer_provider reads the environment each time)."""
    return _installed


def default_sampler():
    """Every trace that starts at an entry point (HTTP request, gRPC call, event); none that would
    start at a client call with nothing around it (a health check's SELECT 1 every two seconds)."""
    from opentelemetry.sdk.trace.sampling import ALWAYS_ON, ParentBased

    return ParentBased(root=_NoOrphanClients(ALWAYS_ON))


class _NoOrphanClients:
    def __init__(self, root) -> None:
        self.root = root

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None,
                      trace_state=None):
        from opentelemetry.sdk.trace.sampling import Decision, SamplingResult

        if kind == SpanKind.CLIENT:
            return SamplingResult(Decision.DROP)
        return self.root.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"NoOrphanClients{{{self.root.get_description()}}}"


# -- what crosses process boundaries ------------------------------------------------------------


def traceparent() -> str:
    """The W3C traceparent of the current span; "" outside a trace."""
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return ""
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"


def parent_context(value: str) -> Context:
    """The context a span continues from a traceparent; an empty one (a new trace) for ""."""
    return _W3C.extract({"traceparent": value}) if value else Context()


def log_fields() -> dict[str, str]:
    """trace_id and span_id of the current span, for a log line; {} outside a trace."""
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return {}
    return {"trace_id": f"{ctx.trace_id:032x}", "span_id": f"{ctx.span_id:016x}"}


# -- SQL and gRPC ---------------------------------------------------------------------------------------


def traced_engine(engine: Engine) -> Engine:
    """The engine with a CLIENT span per statement. This is the per-engine part of the SQLAlchemy
    instrumentation: its instrument() also patches create_engine everywhere, declares
    "sqlalchemy < 2.1" and imports the asyncio extension (greenlet), none of which we want; the
    engine events it listens to are the same in 2.1 (tests/e2e/test_tracing.py sees the spans)."""
    if not enabled():
        return engine
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import get_meter

    usage = get_meter("kit.db").create_up_down_counter("db.client.connections.usage")  # no-op meter
    EngineTracer(trace.get_tracer("opentelemetry.instrumentation.sqlalchemy"), engine, usage)
    return engine


def server_interceptors() -> list:
    """A SERVER span per call (health checks excepted), continuing the caller's trace."""
    if not enabled():
        return []
    from opentelemetry.instrumentation.grpc import filters, server_interceptor

    return [server_interceptor(filter_=filters.negate(filters.health_check()))]


def traced_channel(channel: grpc.Channel) -> grpc.Channel:
    """The channel with a CLIENT span per call (health checks excepted) that sends traceparent."""
    if not enabled():
        return channel
    from opentelemetry.instrumentation.grpc import client_interceptor, filters
    from opentelemetry.instrumentation.grpc.grpcext import intercept_channel

    return intercept_channel(channel, client_interceptor(filter_=filters.negate(filters.health_check())))


# -- the outbox -> JetStream -> consumer hop ------------------------------------------------------


def driver_statement(database: str, statement: str):
    """A statement run straight through the driver (the outbox's INSERT): the CLIENT span SQLAlchemy's
    instrumentation would have made, so that the request's trace still shows it."""
    if not enabled():
        return _NOT_TRACED
    verb = statement.split(None, 1)[0]
    return trace.get_tracer("kit.db").start_as_current_span(
        f"{verb} {database}", kind=SpanKind.CLIENT,
        attributes={"db.system": "postgresql", "db.name": database, "db.statement": statement})


def publishing(subject: str, envelope: bytes):
    """The relay's publish of one outbox row: a PRODUCER span in the trace that committed it."""
    if not enabled():
        return _NOT_TRACED
    from google.protobuf.message import DecodeError
    from kabinet.events.v1 import envelope_pb2

    try:
        env = envelope_pb2.Envelope.FromString(envelope)
    except DecodeError:
        env = envelope_pb2.Envelope()
    return trace.get_tracer("kit.outbox").start_as_current_span(
        f"send {subject}", context=parent_context(env.traceparent), kind=SpanKind.PRODUCER,
        attributes=_messaging(subject, env.id, "send"))


def consuming(event: Any, consumer: str):
    """A consumer handling one event: a CONSUMER span, child of the span that committed the event
    (so it sits in the request's trace, in another service)."""
    if not enabled():
        return _NOT_TRACED
    return trace.get_tracer("kit.consumer").start_as_current_span(
        f"process {event.type}", context=parent_context(event.traceparent), kind=SpanKind.CONSUMER,
        attributes=_messaging(event.type, event.id, "process") | {"messaging.consumer.group.name": consumer})


def _messaging(subject: str, event_id: str, operation: str) -> dict[str, str]:
    return {"messaging.system": "nats", "messaging.destination.name": subject,
            "messaging.message.id": event_id, "messaging.operation.type": operation}


# -- the dev trace file ---------------------------------------------------------------------------


class JsonLinesExporter:
    """Finished spans as JSON lines appended to one file that every process of a dev stack may
    share: one write per export on an O_APPEND descriptor keeps lines whole. See `span_record`
    for the fields and `python -m tools.trace` for reading them."""

    def __init__(self, path: str, process: str) -> None:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.process = process
        self.pid = os.getpid()

    def export(self, spans: Sequence[ReadableSpan]):
        from opentelemetry.sdk.trace.export import SpanExportResult

        lines = "".join(json.dumps(span_record(s, self.process, self.pid), ensure_ascii=False, default=str) + "\n"
                        for s in spans)
        try:
            os.write(self.fd, lines.encode())
        except OSError:
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True

    def shutdown(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def span_record(span: ReadableSpan, process: str, pid: int) -> dict:
    """One line of the trace file: ids (hex), parent, name, kind, process, start (UTC), ms, status,
    attributes, and the span's events (exceptions without their stack, which the logs have)."""
    ctx = span.get_span_context()
    record = {
        "trace_id": f"{ctx.trace_id:032x}",
        "span_id": f"{ctx.span_id:016x}",
        "parent_id": f"{span.parent.span_id:016x}" if span.parent else None,
        "name": span.name,
        "kind": span.kind.name.lower(),
        "process": process,
        "pid": pid,
        "start": dt.datetime.fromtimestamp(span.start_time / 1e9, dt.UTC).isoformat(timespec="microseconds"),
        "ms": round((span.end_time - span.start_time) / 1e6, 3),
        "status": span.status.status_code.name.lower(),
        "attributes": dict(span.attributes or {}),
    }
    if span.status.description:
        record["error"] = span.status.description
    if span.events:
        record["events"] = [{"name": e.name, **{k: v for k, v in (e.attributes or {}).items()
                                                if k != "exception.stacktrace"}} for e in span.events]
    return record
