"""The input boundary, the idempotency layer's refusals, immediate revocation and the HTTP server's own
errors — with the fake-backed app (no service is called: every case is decided before a view runs)."""

from __future__ import annotations

import json

import pytest

from gateway import boundary, server_errors
from kit.errors import InvalidInput


@pytest.mark.parametrize("raw,code", [
    (b"[" * 5000 + b"]" * 5000, "json_too_deep"),
    (b'{"a":' * 40 + b"1" + b"}" * 40, "json_too_deep"),
    (b'{"a": "x\\u0000"}', "invalid_text"),
    (b'{"a": "\\ud800"}', "invalid_text"),
    (b'{"a\\u0001": "x"}', "invalid_text"),
    (b"NaN", "invalid_json"),
    (b'{"a": "\xff"}', "invalid_json"),
])
def test_bad_json_is_refused_with_a_clear_code(raw, code):
    with pytest.raises(InvalidInput) as err:
        boundary.read_json(raw)
    assert err.value.code == code


def test_digits_of_any_script_become_ascii_and_text_is_kept():
    data = boundary.read_json('{"v": "１２３,٤٥", "name": "Ёлка\\tи\\nдом", "n": [1, 2.5, true, null]}'.encode())
    assert data == {"v": "123,45", "name": "Ёлка\tи\nдом", "n": [1, 2.5, True, None]}


def test_the_field_of_a_bad_string_is_named():
    with pytest.raises(InvalidInput) as err:
        boundary.clean({"proof": {"meter_number": "12\x00"}})
    assert list(err.value.fields) == ["proof.meter_number"]


def test_deep_json_on_an_unauthenticated_route_is_a_422_not_a_500(app):
    response = app.test_client().post("/api/v1/auth/login", data="[" * 1000 + "]" * 1000,
                                      content_type="application/json")
    assert response.status_code == 422 and response.json["code"] == "json_too_deep"


def test_a_query_string_with_control_characters_is_refused(app):
    response = app.test_client().get("/api/v1/captcha?previous=%00")
    assert response.status_code == 422 and response.json["code"] == "invalid_text"


def test_a_body_that_is_not_json_is_unsupported(app):
    response = app.test_client().post("/api/v1/auth/login", data="identifier=a", content_type="text/plain")
    assert response.status_code == 415 and response.json["code"] == "unsupported_media_type"


def test_a_malformed_idempotency_key_is_refused(app, signer):
    response = app.test_client().post("/api/v1/groups", json={"name": "x"}, headers={
        "Authorization": f"Bearer {signer.token()}", "Idempotency-Key": "short"})
    assert response.status_code == 422 and response.json["code"] == "invalid_idempotency_key"


def test_the_same_key_with_another_body_is_refused_before_any_service(app, signer):
    store = app.extensions["kabinet.store"]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {signer.token()}", "Idempotency-Key": "key-0000001"}
    # a first request with this key is "running": its record holds the fingerprint of {"name": "a"}
    client.post("/api/v1/groups", json={"name": "a"}, headers=headers)  # the fake service fails: record dropped
    assert not [k for k in store._data if k.startswith("gw:idem:")]
    from gateway import idempotency

    with app.test_request_context("/api/v1/groups", method="POST", json={"name": "a"}, headers=headers):
        from flask import g

        from kit.context import Caller

        g.caller = Caller(user_id="u-1", kind="person", session_id="s-1")
        store.set(idempotency._record_key("key-0000001"), json.dumps({"fp": idempotency._fingerprint()}))
    again = client.post("/api/v1/groups", json={"name": "a"}, headers=headers)
    assert again.status_code == 409 and again.json["code"] == "idempotency_in_progress"
    other = client.post("/api/v1/groups", json={"name": "b"}, headers=headers)
    assert other.status_code == 422 and other.json["code"] == "idempotency_key_reused"


def test_an_ended_session_stops_its_tokens_at_once(app, signer):
    client = app.test_client()
    token = signer.token()
    app.extensions["kabinet.revocations"].end(["s-1"])  # the Signer's session id
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and response.json["code"] == "session_ended"
    public = client.get("/api/v1/captcha", headers={"Authorization": f"Bearer {token}"})
    assert public.status_code == 200  # a public route treats the dead token as no token


def test_the_http_servers_own_errors_are_problem_json():
    raw = server_errors.problem_response(431, "Request Header Fields Too Large")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"Content-Type: application/problem+json" in head
    assert json.loads(body)["code"] == "headers_too_large"
