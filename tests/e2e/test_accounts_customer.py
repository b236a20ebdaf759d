"""Accounts through the gateway, as a customer: groups, binding with proof (and its limits), details,
alias / group / bill delivery, meter-data reports, service requests, unbind."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.e2e.client import Customer, demo_account, eventually, same_problem

pytestmark = pytest.mark.e2e


def test_groups_bind_into_a_group_move_rename_and_delete(stack):
    me = Customer(stack.gateway_url).register().login()
    groups = me.ok("GET", "/api/v1/groups")["groups"]
    assert [(g["name"], g["is_default"], g["account_count"]) for g in groups] == [("Моя группа", True, 0)]
    default_id = groups[0]["group_id"]

    dacha = me.ok("POST", "/api/v1/groups", 201, json={"name": "Дача"})
    assert me.ok("GET", f"/api/v1/groups/{dacha['group_id']}")["name"] == "Дача"
    taken = me.call("POST", "/api/v1/groups", json={"name": "Дача"})
    assert taken.status_code == 409 and taken.json()["code"] == "group_name_taken"
    empty = me.call("POST", "/api/v1/groups", json={"name": ""})
    assert empty.status_code == 422 and "name" in empty.json()["errors"]

    meter = demo_account("12-10000002")["meters"][0]["number"]
    account = me.ok("POST", "/api/v1/accounts", 201, json={
        "number": "12-10000002", "alias": "Дом у озера", "group_id": dacha["group_id"],
        "proof": {"meter_number": meter}})
    assert account["group"] == {"group_id": dacha["group_id"], "name": "Дача"}
    assert account["alias"] == "Дом у озера"
    again = me.ok("POST", "/api/v1/accounts", 201, json={"number": "12-10000002", "proof": {"meter_number": meter}})
    assert again["account_id"] == account["account_id"]  # already mine: unchanged
    assert len(me.ok("GET", "/api/v1/accounts")["accounts"]) == 1

    renamed = me.ok("PATCH", f"/api/v1/groups/{dacha['group_id']}", json={"name": "Загородный дом"})
    assert renamed["name"] == "Загородный дом" and renamed["account_count"] == 1
    me.ok("PATCH", f"/api/v1/groups/{default_id}", json={"name": "Квартира"})  # the default one too

    deleted = me.ok("DELETE", f"/api/v1/groups/{dacha['group_id']}")
    assert deleted == {"default_group_id": default_id, "moved_accounts": 1}
    moved = me.ok("GET", f"/api/v1/accounts/{account['account_id']}")
    assert moved["group"] == {"group_id": default_id, "name": "Квартира"}
    refused = me.call("DELETE", f"/api/v1/groups/{default_id}")
    assert refused.status_code == 409 and refused.json()["code"] == "default_group"

    dashboard = me.ok("GET", "/api/v1/dashboard")
    assert [g["name"] for g in dashboard["groups"]] == ["Квартира"]
    me.ok("POST", "/api/v1/groups", 201, json={"name": "Пустая"})
    dashboard = me.ok("GET", "/api/v1/dashboard")
    assert [(g["name"], len(g["accounts"])) for g in dashboard["groups"]] == [("Квартира", 1), ("Пустая", 0)]
    assert dashboard["contracts"] == []


def test_account_details_changes_meter_error_report_and_unbind(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000003")
    account_id = account["account_id"]
    facts = demo_account("12-10000003")
    details = me.ok("GET", f"/api/v1/accounts/{account_id}")
    assert details["premise"]["address"] == facts["address"]
    assert details["premise"]["residents"] == facts["premise"]["residents"]
    assert details["bill_delivery"] == facts["bill_delivery"]
    assert details["automatic_metering"] is False
    [meter] = details["meters"]
    assert (meter["number"], meter["zones"], meter["zone_names"]) == (
        facts["meters"][0]["number"], 3, ["peak", "semi_peak", "night"])
    assert meter["verification_due"] == facts["meters"][0]["verification_due"]

    changed = me.ok("PATCH", f"/api/v1/accounts/{account_id}", json={"alias": "Офис", "bill_delivery": "paper"})
    assert (changed["alias"], changed["bill_delivery"]) == ("Офис", "paper")
    bad = me.call("PATCH", f"/api/v1/accounts/{account_id}", json={"bill_delivery": "pigeon"})
    assert bad.status_code == 422 and "bill_delivery" in bad.json()["errors"]
    me.ok("PATCH", f"/api/v1/accounts/{account_id}", json={"bill_delivery": facts["bill_delivery"]})  # shared
    assert "алиас" not in bad.text

    report = me.ok("POST", f"/api/v1/accounts/{account_id}/meter-error", 201, json={
        "meter_id": meter["meter_id"], "description": "Номер счётчика на корпусе другой"})
    assert (report["type"], report["status"], report["meter_id"]) == ("meter_data", "new", meter["meter_id"])
    listed = me.ok("GET", "/api/v1/service-requests", params={"account_id": account_id})["requests"]
    assert [r["request_id"] for r in listed] == [report["request_id"]]

    aiis = me.bind("12-10000004")
    assert me.ok("GET", f"/api/v1/accounts/{aiis['account_id']}")["automatic_metering"] is True

    me.ok("DELETE", f"/api/v1/accounts/{account_id}", 204)
    gone = me.call("GET", f"/api/v1/accounts/{account_id}")
    assert gone.status_code == 404
    assert [a["account_id"] for a in me.ok("GET", "/api/v1/accounts")["accounts"]] == [aiis["account_id"]]
    # payments keeps a projection of bindings fed by accounts.account.unbound: access ends a moment later
    eventually(lambda: me.call("GET", f"/api/v1/accounts/{account_id}/balance").status_code == 404,
               what="payments to forget the unbound account")


def test_service_request_created_listed_and_cancelled_while_new(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000001")
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0)
    created = me.ok("POST", "/api/v1/service-requests", 201, json={
        "account_id": account["account_id"], "type": "electrical", "description": "Искрит розетка на кухне",
        "preferred_from": start.isoformat(), "preferred_to": (start + dt.timedelta(hours=3)).isoformat()})
    assert created["status"] == "new" and created["address"] == demo_account("12-10000001")["address"]
    assert created["account_number"] == "12-10000001"
    assert created["preferred_from"].startswith(start.strftime("%Y-%m-%dT%H:%M"))

    wrong = me.call("POST", "/api/v1/service-requests", json={
        "account_id": account["account_id"], "type": "gardening", "description": "",
        "preferred_from": start.isoformat(), "preferred_to": (start - dt.timedelta(hours=1)).isoformat()})
    assert wrong.status_code == 422
    assert {"type", "description", "preferred_to"} <= set(wrong.json()["errors"])

    cancelled = me.ok("POST", f"/api/v1/service-requests/{created['request_id']}/cancel",
                      json={"comment": "Сам починил"})
    assert cancelled["status"] == "cancelled"
    assert [h["status"] for h in cancelled["history"]] == ["new", "cancelled"]
    again = me.call("POST", f"/api/v1/service-requests/{created['request_id']}/cancel", json={})
    assert again.status_code == 409 and again.json()["code"] == "request_status"
    assert me.ok("GET", f"/api/v1/service-requests/{created['request_id']}")["status"] == "cancelled"


def test_bind_proof_mistakes_say_nothing_and_guessing_hits_the_limit(stack):
    me = Customer(stack.gateway_url).register().login()
    bad_proof = me.call("POST", "/api/v1/accounts", json={"number": "12-10000001", "proof": {}})
    assert bad_proof.status_code == 422 and bad_proof.json()["errors"]
    two_proofs = me.call("POST", "/api/v1/accounts", json={
        "number": "12-10000001", "proof": {"meter_number": "1", "activation_code": "X"}})
    assert two_proofs.status_code == 422

    # a number nobody has (the per-number budget of real accounts is shared by every test)
    target = f"77-{uuid.uuid4().int % 10**8:08d}"
    answers = []
    for attempt in range(15):
        response = me.call("POST", "/api/v1/accounts", json={
            "number": target, "proof": {"last_payment": {"date": "2026-10-01", "amount_kop": 100000 + attempt}}})
        answers.append(response)
        if response.status_code == 429:
            break
    assert answers[-1].status_code == 429, [a.status_code for a in answers]
    assert answers[-1].json()["code"] in ("too_many_attempts", "rate_limited")
    assert int(answers[-1].headers["Retry-After"]) > 0
    misses = [same_problem(a) for a in answers[:-1]]
    assert misses and all(m == misses[0] for m in misses) and misses[0]["code"] == "account_proof_mismatch"

    # a real account with the right proof is refused too while the limit holds
    meter = demo_account("12-10000001")["meters"][0]["number"]
    blocked = me.call("POST", "/api/v1/accounts", json={"number": "12-10000001", "proof": {"meter_number": meter}})
    assert blocked.status_code == 429


def test_leading_zeros_may_be_omitted(stack):
    me = Customer(stack.gateway_url).register().login()
    meter = demo_account("12-10000002")["meters"][0]["number"]
    bound = me.ok("POST", "/api/v1/accounts", 201, json={"number": "012-10000002", "proof": {"meter_number": meter}})
    assert bound["number"] == "12-10000002"


def test_the_public_list_of_suppliers_says_only_what_is_public(stack):
    guest = Customer(stack.gateway_url)
    response = guest.call("GET", "/api/v1/suppliers")
    assert response.status_code == 200 and "public" in response.headers["Cache-Control"]
    demo = next(s for s in response.json()["suppliers"] if s["supplier_id"] == stack.demo_supplier_id)
    assert demo["name"] and set(demo) == {"supplier_id", "name", "services"}
