"""Every process of the embedded default is observable: each service api and worker serves its own
/metrics (the launcher gives each a port), and the counters move with a reading's journey."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from tests.e2e.client import Customer, eventually

pytestmark = pytest.mark.e2e


def scrape(stack, process: str) -> dict[str, float]:
    text = requests.get(f"http://127.0.0.1:{stack.ports[process + '_metrics']}/metrics", timeout=5).text
    values: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


def total(values: dict[str, float], prefix: str) -> float:
    return sum(v for k, v in values.items() if k.startswith(prefix))


def test_each_service_process_serves_metrics_that_follow_a_reading(stack):
    for svc in ("auth", "accounts", "readings", "payments", "notify"):
        for role in ("api", "worker"):
            assert scrape(stack, f"{svc}-{role}"), f"{svc}-{role} serves no metrics"
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000001")
    before = {p: scrape(stack, p) for p in ("readings-api", "readings-worker", "payments-worker")}
    values = {z: str(Decimal(v) + 1) for z, v in me.last_values(account["account_id"]).items()}
    me.submit(account["account_id"], account["meters"][0]["meter_id"], values)

    def moved():
        after = {p: scrape(stack, p) for p in before}
        return (total(after["readings-api"], "kabinet_readings_accepted_total")
                > total(before["readings-api"], "kabinet_readings_accepted_total")
                and total(after["readings-worker"], "kabinet_outbox_published_total")
                > total(before["readings-worker"], "kabinet_outbox_published_total")
                and total(after["payments-worker"], "kabinet_payments_charges_posted_total")
                > total(before["payments-worker"], "kabinet_payments_charges_posted_total"))
    eventually(moved, timeout=20, what="the counters of the reading's journey")
    rpc = scrape(stack, "readings-api")
    assert any(k.startswith("kabinet_grpc_server_handled_total") and "SubmitReading" in k for k in rpc)
