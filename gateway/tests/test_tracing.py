"""The gateway starts each request's trace and tells the caller its id (X-Trace-Id)."""

from __future__ import annotations

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway import tracing
from kit import tracing as kit_tracing

OUTSIDER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def test_untraced_without_an_exporter(app):
    assert not kit_tracing.enabled()  # no exporter configured for the test process
    assert "X-Trace-Id" not in app.test_client().get("/openapi.json").headers


def test_a_traced_request_is_a_new_trace_whose_id_the_reply_tells(app):
    spans = InMemorySpanExporter()
    provider = TracerProvider(sampler=kit_tracing.default_sampler())
    provider.add_span_processor(SimpleSpanProcessor(spans))
    tracing.instrument(app, provider)
    client = app.test_client()

    reply = client.get("/openapi.json", headers={"traceparent": OUTSIDER})
    (span,) = spans.get_finished_spans()
    assert span.name == "GET /openapi.json" and span.parent is None  # a caller's context is not taken
    assert reply.headers["X-Trace-Id"] == f"{span.context.trace_id:032x}" != OUTSIDER.split("-")[1]

    spans.clear()
    assert "X-Trace-Id" not in client.get("/healthz").headers
    assert spans.get_finished_spans() == ()
