"""The dashboard degrades instead of failing: with payments stopped, balances and charges are marked
unavailable and everything else still answers."""

from __future__ import annotations

import time

import pytest

from tests.e2e.client import Customer, eventually

pytestmark = pytest.mark.e2e


def test_dashboard_answers_with_payments_stopped(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000001")
    me.ok("POST", "/api/v1/groups", 201, json={"name": "Пустая группа"})
    stack.supervisor.stop("payments-api")
    try:
        started = time.monotonic()
        dashboard = me.ok("GET", "/api/v1/dashboard")
        elapsed = time.monotonic() - started
    finally:
        stack.supervisor.restart("payments-api")
        stack.wait_ready("payments-api")
    [card] = [c for g in dashboard["groups"] for c in g["accounts"]]
    assert card["account_id"] == account["account_id"]
    assert card["balance"] == {"unavailable": True} and card["last_charge"] == {"unavailable": True}
    assert "unavailable" not in (card["last_reading"] or {})  # readings answered
    assert [g["name"] for g in dashboard["groups"]] == ["Моя группа", "Пустая группа"]
    assert dashboard["contracts"] == [] and "unread" in dashboard["notifications"]
    assert elapsed < 5, elapsed  # each part has its own deadline (1.5 s)

    # and the part comes back once payments does
    eventually(lambda: "balance_kop" in me.ok("GET", "/api/v1/dashboard")["groups"][0]["accounts"][0]["balance"],
               timeout=30, what="balances on the dashboard again")
