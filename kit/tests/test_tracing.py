"""Tracing: off unless configured; the envelope carries the trace to the consumer; logs carry the ids;
the dev trace file and `python -m tools.trace`.

These tests build their own tracer providers and never install one for the process (that is each
process's composition root's job, once): the whole path across processes is tests/e2e/test_tracing.py.
"""

from __future__ import annotations

import json
import logging
import re

import grpc
import pytest
from kabinet.readings.v1 import readings_pb2
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from kit import tracing
from kit.events import Event, decode, encode
from kit.logging import JsonFormatter
from tools import trace as trace_command


def reading_event() -> Event:
    return Event(type="readings.reading.accepted", aggregate_id="acc-1", payload=readings_pb2.ReadingAccepted())


def provider_to(exporter) -> TracerProvider:
    provider = TracerProvider(sampler=tracing.default_sampler())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def test_without_an_exporter_nothing_is_traced(monkeypatch):
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    assert tracing.configure("test", trace_file="") is None
    assert not tracing.enabled()
    channel = grpc.insecure_channel("127.0.0.1:1")
    assert tracing.traced_channel(channel) is channel
    assert tracing.server_interceptors() == []
    event = reading_event()
    assert event.traceparent == "" and decode(encode(event, "readings")).traceparent == ""
    with tracing.consuming(event, "payments"), tracing.publishing(event.type, encode(event, "readings")):
        assert tracing.traceparent() == "" and tracing.log_fields() == {}


def test_an_event_takes_the_trace_of_the_request_that_raised_it_to_its_consumer():
    spans = InMemorySpanExporter()
    tracer = provider_to(spans).get_tracer("test")
    with tracer.start_as_current_span("SubmitReading", kind=SpanKind.SERVER) as request:
        data = encode(reading_event(), "readings")
    event = decode(data)
    ctx = request.get_span_context()
    assert event.traceparent == f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"

    # what tracing.consuming does in a worker, with this test's provider
    with tracer.start_as_current_span("process", context=tracing.parent_context(event.traceparent),
                                      kind=SpanKind.CONSUMER) as consumer:
        pass
    assert consumer.get_span_context().trace_id == ctx.trace_id
    assert consumer.parent.span_id == ctx.span_id and consumer.parent.is_remote


def test_log_lines_carry_the_trace_and_span_of_the_current_span():
    tracer = provider_to(InMemorySpanExporter()).get_tracer("test")
    record = logging.LogRecord("kit.test", logging.INFO, __file__, 1, "hello", None, None)
    assert "trace_id" not in json.loads(JsonFormatter("test").format(record))
    with tracer.start_as_current_span("call") as span:
        line = json.loads(JsonFormatter("test").format(record))
    ctx = span.get_span_context()
    assert (line["trace_id"], line["span_id"]) == (f"{ctx.trace_id:032x}", f"{ctx.span_id:016x}")


def test_a_client_call_outside_any_trace_is_not_recorded():
    spans = InMemorySpanExporter()
    tracer = provider_to(spans).get_tracer("test")
    with tracer.start_as_current_span("SELECT 1", kind=SpanKind.CLIENT):  # a health check
        pass
    with tracer.start_as_current_span("GET /x", kind=SpanKind.SERVER), \
            tracer.start_as_current_span("SELECT", kind=SpanKind.CLIENT):
        pass
    assert [s.name for s in spans.get_finished_spans()] == ["SELECT", "GET /x"]


def test_processes_share_one_trace_file_that_tools_trace_prints_as_a_tree(tmp_path, capsys):
    path = tmp_path / "traces.jsonl"
    gateway = provider_to(tracing.JsonLinesExporter(str(path), "gateway")).get_tracer("test")
    readings = provider_to(tracing.JsonLinesExporter(str(path), "readings-api")).get_tracer("test")
    with gateway.start_as_current_span("POST /readings", kind=SpanKind.SERVER) as root:
        root.set_attribute("http.status_code", 201)
        with gateway.start_as_current_span("SubmitReading", kind=SpanKind.CLIENT):
            sent = tracing.traceparent()
    with readings.start_as_current_span("SubmitReading", context=tracing.parent_context(sent),
                                        kind=SpanKind.SERVER), \
            readings.start_as_current_span("INSERT", kind=SpanKind.CLIENT,
                                           attributes={"db.statement": "INSERT INTO readings ..."}):
        pass
    path.write_text(path.read_text() + '{"trace_id": "half a line', encoding="utf-8")  # still being written

    lines = [json.loads(line) for line in path.read_text().splitlines()[:-1]]
    assert {(s["process"], s["name"], s["kind"]) for s in lines} == {
        ("gateway", "POST /readings", "server"), ("gateway", "SubmitReading", "client"),
        ("readings-api", "SubmitReading", "server"), ("readings-api", "INSERT", "client")}
    trace_id = lines[0]["trace_id"]
    assert {s["trace_id"] for s in lines} == {trace_id}

    assert trace_command.main([trace_id[:8], "--file", str(path)]) == 0
    title, *rows = capsys.readouterr().out.splitlines()
    assert title.startswith(f"trace {trace_id}: 4 spans in gateway, readings-api, ")
    shown = [re.sub(r"^ *[+-][0-9.]+ ms +[0-9.]+ ms  ", "", row) for row in rows]  # offsets, durations
    assert shown == ["gateway       POST /readings  -> 201",
                     "gateway       └─ SubmitReading",
                     "readings-api     └─ SubmitReading  [server]",
                     "readings-api        └─ INSERT  INSERT INTO readings ..."]
    assert trace_command.main(["--file", str(path)]) == 0
    assert trace_id in capsys.readouterr().out
    assert trace_command.main(["0" * 32, "--file", str(path)]) == 1


@pytest.fixture(autouse=True)
def _no_process_provider():
    """These tests must not install a provider for the whole test process."""
    yield
    assert not tracing.enabled()
