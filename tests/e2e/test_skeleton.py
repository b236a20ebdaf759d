"""The walking skeleton, through the gateway over HTTP with every process running:
register -> sign in -> bind -> submit a reading -> charge -> inbox -> dashboard."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.e2e.client import Customer, eventually

pytestmark = pytest.mark.e2e


def bump(values: dict, by: str = "12.345") -> dict:
    return {zone: str(Decimal(v) + Decimal(by)) for zone, v in values.items()}


def test_a_customer_walks_from_registration_to_the_dashboard(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000001")
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    balance_before = me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["balance_kop"]

    values = bump(me.last_values(account_id))
    reading = me.submit(account_id, meter_id, values)
    assert reading["values"] == {"total": values["total"]}
    assert reading["consumption"] == {"total": "12.345"}

    charge = eventually(lambda: me.charge_for(account_id, reading["reading_id"]), what="the charge")[0]
    assert charge["kind"] == "preliminary"
    assert charge["amount_kop"] == 8703  # 12.345 kWh x 7.05 RUB = 87.03225 RUB
    balance = me.ok("GET", f"/api/v1/accounts/{account_id}/balance")
    assert balance["balance_kop"] == balance_before - 8703

    inbox = eventually(lambda: [n for n in me.ok("GET", "/api/v1/notifications")["notifications"]
                                if n["account_id"] == account_id and "начисление" in n["title"].lower()] or None,
                       what="the charge in the inbox")
    assert inbox
    dashboard = me.ok("GET", "/api/v1/dashboard")
    card = dashboard["groups"][0]["accounts"][0]
    assert dashboard["groups"][0]["name"] == "Моя группа"
    assert card["account_id"] == account_id
    assert card["last_reading"]["reading_id"] == reading["reading_id"]
    assert card["last_charge"]["charge_id"] == charge["charge_id"]
    assert card["balance"]["balance_kop"] == balance["balance_kop"]
    assert dashboard["notifications"]["unread"] >= 1


def test_retrying_a_submission_with_the_same_key_has_one_effect(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000002")
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    values = bump(me.last_values(account_id), "1")
    first = me.submit(account_id, meter_id, values, key="retry-key-0001")
    again = me.submit(account_id, meter_id, values, key="retry-key-0001")
    assert again["reading_id"] == first["reading_id"]
    eventually(lambda: me.charge_for(account_id, first["reading_id"]), what="the charge")
    assert len(me.charge_for(account_id, first["reading_id"])) == 1


def test_bad_readings_are_refused_with_problem_details(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000003")
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    last = me.last_values(account_id)

    wrong_zones = me.call("POST", f"/api/v1/accounts/{account_id}/readings",
                          json={"meter_id": meter_id, "values": {"total": "1"}})
    assert wrong_zones.status_code == 422
    assert wrong_zones.headers["Content-Type"].startswith("application/problem+json")
    assert {"peak", "semi_peak", "night", "total"} <= set(wrong_zones.json()["errors"])

    below = me.call("POST", f"/api/v1/accounts/{account_id}/readings", json={
        "meter_id": meter_id, "values": {**last, "peak": str(Decimal(last["peak"]) - 100)}})
    assert below.status_code == 409
    assert below.json()["code"] == "reading_below_previous"
    assert "меньше" in below.json()["detail"]


def test_automatic_metering_accounts_refuse_customer_readings(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000004")
    response = me.call("POST", f"/api/v1/accounts/{account['account_id']}/readings",
                       json={"meter_id": account["meters"][0]["meter_id"], "values": {"total": "60000"}})
    assert response.status_code == 409
    assert response.json()["code"] == "automatic_metering"


def test_binding_needs_the_right_proof_and_does_not_say_which_part_was_wrong(stack):
    me = Customer(stack.gateway_url).register().login()
    wrong_amount = me.call("POST", "/api/v1/accounts", json={
        "number": "12-10000001", "proof": {"last_payment": {"date": "2026-10-15", "amount_kop": 1}}})
    no_account = me.call("POST", "/api/v1/accounts", json={
        "number": "99-99999999", "proof": {"last_payment": {"date": "2026-10-15", "amount_kop": 145075}}})
    assert wrong_amount.status_code == no_account.status_code == 404
    assert wrong_amount.json()["detail"] == no_account.json()["detail"]
    assert wrong_amount.json()["code"] == no_account.json()["code"]


def test_sign_in_failures_do_not_reveal_whether_the_user_exists(stack):
    me = Customer(stack.gateway_url).register()
    known = me.call("POST", "/api/v1/auth/login", json={"identifier": me.phone, "password": "Wrong-pass-1"})
    unknown = me.call("POST", "/api/v1/auth/login", json={"identifier": "+79990001122", "password": "Wrong-pass-1"})
    assert known.status_code == unknown.status_code == 401
    assert known.json()["detail"] == unknown.json()["detail"]


def test_registering_a_known_phone_answers_the_same_and_tells_the_owner(stack):
    me = Customer(stack.gateway_url).register()
    again = me.ok("POST", "/api/v1/auth/register", 202, json={
        "phone": me.phone, "password": "Another-pass-2026", "terms_accepted": True})
    assert set(again) == {"registration_id", "code_ttl_seconds", "detail"}
    eventually(lambda: any("уже зарегистрирован" in m["body"] for m in
                           me.ok("GET", "/dev/outbox", params={"to": me.phone})["messages"]),
               what="the already-registered notice")


def test_every_route_of_the_flow_is_closed_to_another_customer(stack):
    owner = Customer(stack.gateway_url).register().login()
    account = owner.bind("12-10000001")
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    other = Customer(stack.gateway_url).register().login()
    for method, path, body in [
        ("GET", f"/api/v1/accounts/{account_id}", None),
        ("GET", f"/api/v1/accounts/{account_id}/readings", None),
        ("POST", f"/api/v1/accounts/{account_id}/readings", {"meter_id": meter_id, "values": {"total": "99999"}}),
        ("GET", f"/api/v1/accounts/{account_id}/balance", None),
        ("GET", f"/api/v1/accounts/{account_id}/charges", None),
    ]:
        response = other.call(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["code"] == "account_not_found"
    assert account_id not in str(other.ok("GET", "/api/v1/dashboard"))
    anonymous = Customer(stack.gateway_url)
    assert anonymous.call("GET", f"/api/v1/accounts/{account_id}/balance").status_code == 401


def test_operations_endpoints(stack):
    client = Customer(stack.gateway_url)
    assert client.ok("GET", "/healthz") == {"status": "ok"}
    ready = client.ok("GET", "/readyz")
    assert set(ready["services"].values()) == {"SERVING"} and len(ready["services"]) == 5
    assert "kabinet_http_requests_total" in client.call("GET", "/metrics").text
    spec = client.ok("GET", "/openapi.json")
    assert spec["openapi"] == "3.1.0"
    assert "/api/v1/accounts/{account_id}/readings" in spec["paths"]
    assert client.call("GET", "/api/v1/no/such/thing").json()["code"] == "not_found"
    assert client.call("GET", "/no/such/page").headers["Content-Type"].startswith("text/html")  # the cabinet's shell
