"""Following one request: a reading submitted through the gateway is one trace across processes — the
gateway's HTTP span and gRPC call, readings' gRPC server span and SQL, the relay's publish, and
payments' consumer with its own SQL — under the trace id the gateway returned in X-Trace-Id.

The run has a stack of its own whose processes write their spans to one trace file (KABINET_TRACE_FILE:
processes copy our environment when they start, so nothing outside this stack traces).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from devstack.stack import REPO_ROOT, Stack
from tests.e2e.client import Customer, eventually

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def traced_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data = tmp_path_factory.mktemp("traced-stack")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KABINET_TRACE_FILE", str(data / "traces.jsonl"))
        stack = Stack(data, "test", fast=True)
        try:
            stack.start()
        except Exception as exc:
            pytest.fail(f"the traced stack did not start: {exc}\n\n{stack.log_tails(10)}", pytrace=False)
    yield stack
    stack.stop()


@pytest.fixture(scope="module", autouse=True)
def openapi_contract() -> None:
    """Overrides the e2e one, which would start the shared stack for nothing (the replies here are the
    ones the other e2e tests check)."""


def spans_of(trace_file: Path, trace_id: str) -> list[dict]:
    lines = trace_file.read_text(encoding="utf-8").splitlines() if trace_file.exists() else []
    return [s for s in map(json.loads, lines) if s["trace_id"] == trace_id]


def statement(span: dict) -> str:
    return span["attributes"].get("db.statement", span["attributes"].get("db.query.text", ""))


def test_one_reading_is_one_trace_from_the_gateway_to_the_payments_consumer(traced_stack):
    me = Customer(traced_stack.gateway_url).register().login()
    account = me.bind("12-10000001")
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    values = {zone: str(Decimal(v) + 5) for zone, v in me.last_values(account_id).items()}
    reply = me.call("POST", f"/api/v1/accounts/{account_id}/readings", headers={"Idempotency-Key": "trace-key-0001"},
                    json={"meter_id": meter_id, "values": values})
    assert reply.status_code == 201, reply.text
    trace_id = reply.headers.get("X-Trace-Id", "")
    assert re.fullmatch(r"[0-9a-f]{32}", trace_id), reply.headers
    trace_file = traced_stack.data_dir / "traces.jsonl"

    def whole_trace():
        spans = spans_of(trace_file, trace_id)
        ids = {s["span_id"] for s in spans}
        consumed = [s for s in spans if s["process"] == "payments-worker" and s["kind"] == "consumer"]
        # Parents end after their children: wait until every span's parent is written too.
        return spans if consumed and all(s["parent_id"] in ids for s in spans if s["parent_id"]) else None

    spans = eventually(whole_trace, timeout=30, what="the payments consumer's span in the request's trace")
    by_id = {s["span_id"]: s for s in spans}

    def one(process: str, kind: str, name: str) -> dict:
        found = [s for s in spans if s["process"] == process and s["kind"] == kind and s["name"] == name]
        assert found, f"no {kind} span {name!r} in {process}; the trace has:\n" + "\n".join(
            f"{s['process']} {s['kind']} {s['name']}" for s in spans)
        return found[0]

    http = one("gateway", "server", "POST /api/v1/accounts/<account_id>/readings")
    assert http["parent_id"] is None
    assert 201 in (http["attributes"].get("http.status_code"), http["attributes"].get("http.response.status_code"))
    call = one("gateway", "client", "/kabinet.readings.v1.Readings/SubmitReading")
    served = one("readings-api", "server", "/kabinet.readings.v1.Readings/SubmitReading")
    assert served["parent_id"] == call["span_id"]
    sql = [s for s in spans if s["process"] == "readings-api" and s["kind"] == "client"
           and s["parent_id"] == served["span_id"]]
    assert any("INSERT INTO outbox" in statement(s) for s in sql), sql
    sent = one("readings-worker", "producer", "send readings.reading.accepted")
    consumed = one("payments-worker", "consumer", "process readings.reading.accepted")
    assert sent["parent_id"] == consumed["parent_id"] == served["span_id"]
    assert any(s["parent_id"] == consumed["span_id"] and "processed_events" in statement(s) for s in spans)
    assert [s for s in spans if s["parent_id"] is None] == [http]
    for span in spans:  # one tree: every span leads up to the gateway's
        while span["parent_id"]:
            span = by_id[span["parent_id"]]
        assert span is http

    shown = subprocess.run([sys.executable, "-m", "tools.trace", trace_id[:12], "--file", str(trace_file)],
                           cwd=REPO_ROOT, capture_output=True, text=True, timeout=30, check=True).stdout
    lines = shown.splitlines()
    # the trace may have grown since (notify's consumer of the charge writes its spans a moment later)
    head = re.match(rf"trace {trace_id}: (\d+) spans in gateway", lines[0])
    assert head and int(head.group(1)) >= len(spans), lines[0]
    assert "POST /api/v1/accounts/<account_id>/readings  -> 201" in lines[1]
    assert any("payments-worker" in line and "─ process readings.reading.accepted" in line for line in lines)
