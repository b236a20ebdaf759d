"""Hardening, as an outsider tried it through the public API: nobody can lock an owner out, malformed
input is never a 500, a retry that changes the body is refused, sign-out is immediate, digits from other
scripts mean what they say. Each test failed before the hardening issue."""

from __future__ import annotations

import socket
import uuid
from decimal import Decimal
from urllib.parse import urlparse

import pytest
import requests

from tests.e2e.client import PASSWORD, Customer, fake_ip, import_registry, staff_member
from tools.registry_generator import generate

pytestmark = pytest.mark.e2e


def solved_login(stack, identifier: str, password: str, ip: str) -> requests.Response:
    """A sign-in from `ip` with a freshly solved captcha."""
    client = Customer(stack.gateway_url, ip=ip)
    return client.call("POST", "/api/v1/auth/login", json={"identifier": identifier, "password": password,
                                                            **client.captcha()})


# --- 1. the owner is never locked out by strangers ---
def test_strangers_failing_from_many_addresses_never_lock_the_owner_out(stack):
    owner = Customer(stack.gateway_url).register()
    statuses = {solved_login(stack, owner.phone, "Wrong-Pass-2026", fake_ip()).status_code for _ in range(65)}
    assert statuses == {401}, statuses  # more than the old 60/hour per identity: still just "wrong password"
    signed_in = solved_login(stack, owner.phone, PASSWORD, fake_ip())
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["access_token"]


def test_after_many_failures_in_a_row_the_right_password_asks_for_a_code_never_refuses(stack):
    owner = Customer(stack.gateway_url).register()
    registration_code = owner.dev_code(owner.phone)
    for _ in range(100):  # the step-up threshold, as strangers would, each from a fresh address
        assert solved_login(stack, owner.phone, "Wrong-Pass-2026", fake_ip()).status_code == 401
    wrong = solved_login(stack, owner.phone, "Still-Wrong-2026", fake_ip())
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad_credentials"
    step = solved_login(stack, owner.phone, PASSWORD, fake_ip())
    assert step.status_code == 202, step.text
    assert step.json()["channel"] == "sms" and "access_token" not in step.json()
    code = owner.dev_code(owner.phone, not_in={registration_code})
    tokens = owner.ok("POST", "/api/v1/auth/login/confirm", json={"step_up_id": step.json()["step_up_id"],
                                                                  "code": code})
    assert tokens["access_token"]
    assert solved_login(stack, owner.phone, PASSWORD, fake_ip()).status_code == 200  # the count starts again


# --- 2. binding that strangers cannot block ---
def test_strangers_failing_proofs_for_a_number_never_block_its_owner(stack, tmp_path):
    generate(tmp_path, 1, prefix="74", seed=74)
    files = {name: (tmp_path / f"{name}.csv").read_text(encoding="utf-8") for name in ("accounts", "meters")}
    import_registry(staff_member(stack), **files)
    number = "74-00000000"
    meter = files["meters"].splitlines()[1].split(";")[2]
    for _ in range(2):  # two cabinets, each within its own budget of failed proofs
        stranger = Customer(stack.gateway_url).register().login()
        for guess in range(10):
            refused = stranger.call("POST", "/api/v1/accounts", json={
                "number": number, "proof": {"meter_number": f"{guess:08d}"}})
            assert refused.status_code in (404, 422), refused.text
    owner = Customer(stack.gateway_url).register().login()
    asked = owner.call("POST", "/api/v1/accounts", json={"number": number, "proof": {"meter_number": meter}})
    assert asked.status_code == 422 and asked.json()["code"] == "captcha_required", asked.text
    bound = owner.ok("POST", "/api/v1/accounts", 201, json={
        "number": number, "proof": {"meter_number": meter}, **owner.captcha()})
    assert bound["number"] == number


# --- 3. malformed input is a clear 4xx, never a 500 ---
def test_json_nested_a_thousand_levels_is_refused_before_sign_in(stack):
    client = Customer(stack.gateway_url)
    deep = "[" * 1000 + "]" * 1000
    response = client.call("POST", "/api/v1/auth/login", data=deep, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "json_too_deep"


@pytest.mark.parametrize("raw,field", [
    ('{"name": "Дача\\u0000"}', "name"),
    ('{"name": "\\ud800 дом"}', "name"),
    ('{"name": "\\u0007звонок"}', "name"),
])
def test_control_characters_and_broken_unicode_are_refused_with_the_field(stack, raw, field):
    me = Customer(stack.gateway_url).register().login()
    response = me.call("POST", "/api/v1/groups", data=raw.encode(), headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_text" and field in response.json()["errors"]


def test_bytes_that_are_not_utf8_are_refused(stack):
    me = Customer(stack.gateway_url).register().login()
    response = me.call("POST", "/api/v1/groups", data=b'{"name": "\xff\xfe"}',
                       headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_json"


def raw_http(stack, request: bytes) -> tuple[int, dict, bytes]:
    url = urlparse(stack.gateway_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("request_bytes,status,code", [
    (b"GET /api/v1/" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431, "headers_too_large"),
    (b"THIS IS NOT HTTP AT ALL\r\n\r\n", 400, "bad_request"),
])
def test_errors_of_the_http_server_itself_are_problem_json(stack, request_bytes, status, code):
    got, headers, body = raw_http(stack, request_bytes)
    assert got == status, body
    assert headers["Content-Type"] == "application/problem+json"
    assert b'"code": "' + code.encode() + b'"' in body


# --- 4. a retry that changes the request is refused ---
def test_the_same_key_with_another_reading_or_account_is_refused(stack):
    me = Customer(stack.gateway_url).register().login()
    first_account, second_account = me.bind("12-10000001"), me.bind("12-10000002")
    account_id, meter_id = first_account["account_id"], first_account["meters"][0]["meter_id"]
    values = {z: str(Decimal(v) + 5) for z, v in me.last_values(account_id).items()}
    key = uuid.uuid4().hex
    first = me.submit(account_id, meter_id, values, key=key)

    replay = me.call("POST", f"/api/v1/accounts/{account_id}/readings", headers={"Idempotency-Key": key},
                     json={"values": values, "meter_id": meter_id})  # same request, keys in another order
    assert replay.status_code == 201 and replay.json()["reading_id"] == first["reading_id"]
    assert replay.headers.get("Idempotent-Replayed") == "true"

    other_value = me.call("POST", f"/api/v1/accounts/{account_id}/readings", headers={"Idempotency-Key": key},
                          json={"meter_id": meter_id, "values": {z: str(Decimal(v) + 1) for z, v in values.items()}})
    assert other_value.status_code == 422 and other_value.json()["code"] == "idempotency_key_reused"
    other_account = me.call("POST", f"/api/v1/accounts/{second_account['account_id']}/readings",
                            headers={"Idempotency-Key": key},
                            json={"meter_id": second_account["meters"][0]["meter_id"], "values": values})
    assert other_account.status_code == 422 and other_account.json()["code"] == "idempotency_key_reused"
    assert [r["reading_id"] for r in me.ok("GET", f"/api/v1/accounts/{account_id}/readings")["readings"]
            ].count(first["reading_id"]) == 1


def test_idempotency_covers_every_mutating_route(stack):
    me = Customer(stack.gateway_url).register().login()
    key = uuid.uuid4().hex
    first = me.ok("POST", "/api/v1/groups", 201, json={"name": "Дача"}, headers={"Idempotency-Key": key})
    again = me.ok("POST", "/api/v1/groups", 201, json={"name": "Дача"}, headers={"Idempotency-Key": key})
    assert again["group_id"] == first["group_id"]
    assert [g["name"] for g in me.ok("GET", "/api/v1/groups")["groups"]].count("Дача") == 1


# --- 5. sign-out is immediate ---
def test_an_access_token_stops_working_at_once_when_its_session_ends(stack):
    me = Customer(stack.gateway_url).register().login()
    access, refresh = me.tokens["access_token"], me.tokens["refresh_token"]
    me.ok("GET", "/api/v1/me")
    me.ok("POST", "/api/v1/auth/logout", 204, json={"refresh_token": refresh})
    after = requests.get(stack.gateway_url + "/api/v1/me", headers={"Authorization": f"Bearer {access}",
                                                                    "X-Forwarded-For": me.ip}, timeout=10)
    assert after.status_code == 401, after.text


def test_a_revoked_session_stops_working_at_once_on_the_other_device(stack):
    phone = Customer(stack.gateway_url).register().login()
    laptop = Customer(stack.gateway_url).login(phone.phone)
    laptop.ok("GET", "/api/v1/me")
    session_id = laptop.tokens["session_id"]
    phone.ok("DELETE", f"/api/v1/me/sessions/{session_id}", 204)
    assert laptop.call("GET", "/api/v1/me").status_code == 401
    phone.ok("GET", "/api/v1/me")


# --- 6. digits of other scripts ---
def test_fullwidth_digits_in_a_reading_are_read_as_digits(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000001")
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    value = Decimal(me.last_values(account_id)["total"]) + 7
    fullwidth = str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    reading = me.submit(account_id, meter_id, {"total": fullwidth})
    assert Decimal(reading["values"]["total"]) == value and reading["values"]["total"].isascii()
