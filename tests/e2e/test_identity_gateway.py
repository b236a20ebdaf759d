"""The gateway's part of identity, through the real stack (2 gunicorn workers, Redis):
captcha, failed sign-in throttling, SMS caps across workers, cookie sessions and CSRF."""

from __future__ import annotations

import random

import pytest
import requests

from tests.e2e.client import PASSWORD, Customer, fake_ip

pytestmark = pytest.mark.e2e


def new_phone() -> str:
    return f"+79{random.randrange(10**9):09d}"


def fresh(stack, method: str, path: str, ip: str, **kw) -> requests.Response:
    """One request on a new connection, so gunicorn may hand it to either worker."""
    headers = {"Connection": "close", "X-Forwarded-For": ip, **kw.pop("headers", {})}
    return requests.request(method, stack.gateway_url + path, headers=headers, timeout=15, **kw)


def solved(stack, ip: str) -> dict:
    captcha_id = fresh(stack, "GET", "/api/v1/captcha", ip).json()["captcha_id"]
    answer = fresh(stack, "GET", f"/dev/captcha/{captcha_id}", ip).json()["answer"]
    return {"captcha_id": captcha_id, "captcha_answer": answer}


# --- captcha ---
def test_a_captcha_is_an_image_with_an_audio_variant_and_works_once(stack):
    me = Customer(stack.gateway_url)
    captcha = me.ok("GET", "/api/v1/captcha")
    assert captcha["image"].startswith("data:image/png;base64,") and captcha["expires_in"] <= 600
    audio = me.call("GET", captcha["audio_url"])
    assert audio.status_code == 200 and audio.headers["Content-Type"] == "audio/wav" and audio.content[:4] == b"RIFF"
    answer = me.ok("GET", f"/dev/captcha/{captcha['captcha_id']}")["answer"]
    assert answer.isdigit()  # the audio variant re-keys the captcha to the digits it reads out
    me.auto_captcha = False
    body = {"phone": me.phone, "password": PASSWORD, "terms_accepted": True,
            "captcha_id": captcha["captcha_id"], "captcha_answer": answer}
    assert me.call("POST", "/api/v1/auth/register", json=body).status_code == 202
    again = me.call("POST", "/api/v1/auth/register", json={**body, "phone": new_phone()})
    assert again.status_code == 422 and again.json()["code"] == "captcha_invalid"


def test_a_wrong_answer_spends_the_captcha_and_refresh_replaces_it(stack):
    me = Customer(stack.gateway_url)
    me.auto_captcha = False
    first = me.ok("GET", "/api/v1/captcha")["captcha_id"]
    second = me.ok("GET", "/api/v1/captcha", params={"previous": first})["captcha_id"]
    assert me.call("GET", f"/dev/captcha/{first}").status_code == 404  # refreshed away
    answer = me.ok("GET", f"/dev/captcha/{second}")["answer"]
    body = {"phone": me.phone, "password": PASSWORD, "terms_accepted": True, "captcha_id": second}
    wrong = me.call("POST", "/api/v1/auth/register", json={**body, "captcha_answer": "WRONG"})
    assert wrong.status_code == 422 and wrong.json()["errors"]["captcha_answer"]
    late = me.call("POST", "/api/v1/auth/register", json={**body, "captcha_answer": answer})
    assert late.status_code == 422 and late.json()["code"] == "captcha_invalid"


def test_registration_and_recovery_need_a_captcha(stack):
    me = Customer(stack.gateway_url)
    me.auto_captcha = False
    for path, body in [("/api/v1/auth/register", {"phone": me.phone, "password": PASSWORD, "terms_accepted": True}),
                       ("/api/v1/auth/recovery", {"identifier": me.phone})]:
        response = me.call("POST", path, json=body)
        assert response.status_code == 422 and response.json()["code"] == "captcha_required", path


# --- failed sign-ins ---
def test_brute_force_meets_a_captcha_then_growing_delays_but_never_locks_the_owner_out(stack):
    owner = Customer(stack.gateway_url).register()
    attacker = Customer(stack.gateway_url)
    attacker.auto_captcha = False
    wrong = {"identifier": owner.phone, "password": "Wrong-Pass-2026"}
    for _ in range(3):
        assert attacker.call("POST", "/api/v1/auth/login", json=wrong).status_code == 401
    asked = attacker.call("POST", "/api/v1/auth/login", json=wrong)
    assert asked.status_code == 422 and asked.json()["code"] == "captcha_required"
    for _ in range(2):
        assert attacker.call("POST", "/api/v1/auth/login", json={**wrong, **attacker.captcha()}).status_code == 401
    throttled = attacker.call("POST", "/api/v1/auth/login", json={**wrong, **attacker.captcha()})
    assert throttled.status_code == 429 and throttled.json()["code"] == "signin_throttled"
    assert int(throttled.headers["Retry-After"]) >= 1
    # the owner, elsewhere: a captcha, no wait, no lock
    owner.auto_captcha = False
    plain = owner.call("POST", "/api/v1/auth/login", json={"identifier": owner.phone, "password": PASSWORD})
    assert plain.status_code == 422 and plain.json()["code"] == "captcha_required"
    signed_in = owner.call("POST", "/api/v1/auth/login", json={
        "identifier": owner.phone, "password": PASSWORD, **owner.captcha()})
    assert signed_in.status_code == 200, signed_in.text


def test_unknown_identities_are_throttled_exactly_like_known_ones(stack):
    known = Customer(stack.gateway_url).register()
    answers = {}
    for who, identifier in (("known", known.phone), ("unknown", new_phone())):
        attacker = Customer(stack.gateway_url)
        attacker.auto_captcha = False
        answers[who] = [attacker.call("POST", "/api/v1/auth/login", json={
            "identifier": identifier, "password": "Wrong-Pass-2026"}) for _ in range(4)]
    assert [r.status_code for r in answers["known"]] == [r.status_code for r in answers["unknown"]] \
        == [401, 401, 401, 422]
    assert [r.json()["code"] for r in answers["known"]] == [r.json()["code"] for r in answers["unknown"]]


# --- caps on sending ---
def test_sms_caps_per_phone_hold_across_gateway_workers(stack):
    phone, statuses, workers = new_phone(), [], set()
    for attempt in range(40):
        ip = fake_ip()  # a new IP each time: only the per-phone cap can stop this
        response = fresh(stack, "POST", "/api/v1/auth/register", ip, json={
            "phone": phone, "password": PASSWORD, "terms_accepted": True, **solved(stack, ip)})
        statuses.append(response.status_code)
        workers.add(response.headers["X-Kabinet-Worker"])
        if attempt >= 5 and len(workers) > 1:
            break
    assert len(workers) > 1, "every request went to one gunicorn worker"
    assert statuses[:3] == [202, 202, 202] and set(statuses[3:]) == {429}, statuses


def test_sms_caps_per_ip(stack):
    ip = fake_ip()
    statuses = []
    for _ in range(11):
        response = fresh(stack, "POST", "/api/v1/auth/register", ip, json={
            "phone": new_phone(), "password": PASSWORD, "terms_accepted": True, **solved(stack, ip)})
        statuses.append(response.status_code)
    assert statuses == [202] * 10 + [429]
    assert response.json()["code"] == "rate_limited" and int(response.headers["Retry-After"]) > 0
    assert response.headers["RateLimit-Remaining"] == "0"


# --- cookie sessions and CSRF ---
def cookie_login(me: Customer, **extra) -> dict:
    reply = me.ok("POST", "/api/v1/auth/login", json={
        "identifier": me.phone, "password": PASSWORD, "session": "cookie", **extra})
    return reply


def test_a_cookie_session_signs_in_refreshes_and_signs_out(stack):
    me = Customer(stack.gateway_url).register()
    response = me.call("POST", "/api/v1/auth/login", json={
        "identifier": me.phone, "password": PASSWORD, "session": "cookie"})
    assert response.status_code == 200
    body = response.json()
    assert "access_token" not in body and "refresh_token" not in body and body["csrf_token"]
    set_cookie = response.headers["Set-Cookie"]
    assert "kabinet_session=" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert me.http.cookies.get("kabinet_csrf") == body["csrf_token"]
    assert me.ok("GET", "/api/v1/me")["phone"].endswith(me.phone[-10:])

    csrf = {"X-CSRF-Token": body["csrf_token"]}
    refreshed = me.ok("POST", "/api/v1/auth/refresh", headers=csrf)
    assert refreshed["session"] == "cookie" and refreshed["csrf_token"] == body["csrf_token"]
    assert me.ok("GET", "/api/v1/me")["phone"]

    assert me.call("POST", "/api/v1/auth/logout", headers=csrf).status_code == 204
    assert "kabinet_session" not in me.http.cookies
    assert me.call("GET", "/api/v1/me").status_code == 401


def test_a_stolen_cookie_dies_with_sign_out(stack):
    me = Customer(stack.gateway_url).register()
    body = cookie_login(me)
    stolen = me.http.cookies.get("kabinet_session")
    me.ok("POST", "/api/v1/auth/logout", 204, headers={"X-CSRF-Token": body["csrf_token"]})
    thief = Customer(stack.gateway_url)
    thief.http.cookies.set("kabinet_session", stolen)
    assert thief.call("GET", "/api/v1/me").status_code == 401


def test_cookie_requests_without_the_csrf_token_or_from_another_origin_are_refused(stack):
    me = Customer(stack.gateway_url).register()
    body = cookie_login(me)
    missing = me.call("PATCH", "/api/v1/me", json={"marketing_consent": False})
    assert missing.status_code == 403 and missing.json()["code"] == "csrf_failed"
    forged = me.call("PATCH", "/api/v1/me", json={"marketing_consent": False},
                     headers={"X-CSRF-Token": body["csrf_token"], "Origin": "https://evil.example"})
    assert forged.status_code == 403 and forged.json()["code"] == "csrf_origin"
    done = me.call("PATCH", "/api/v1/me", json={"marketing_consent": False},
                   headers={"X-CSRF-Token": body["csrf_token"], "Origin": stack.gateway_url})
    assert done.status_code == 200, done.text
    assert done.json()["marketing_consent"] is False


def test_login_from_another_origin_is_refused(stack):
    me = Customer(stack.gateway_url).register()
    response = me.call("POST", "/api/v1/auth/login", headers={"Origin": "https://evil.example"},
                       json={"identifier": me.phone, "password": PASSWORD, "session": "cookie"})
    assert response.status_code == 403 and "kabinet_session" not in me.http.cookies


def test_bearer_clients_need_no_csrf_token(stack):
    me = Customer(stack.gateway_url).register().login()
    assert me.call("PATCH", "/api/v1/me", json={"marketing_consent": False}).status_code == 200


def test_customer_tokens_do_not_open_staff_routes(stack):
    me = Customer(stack.gateway_url).register().login()
    response = me.call("GET", "/staff/v1/me")
    assert response.status_code == 401 and response.json()["code"] == "wrong_audience"
    cookie = Customer(stack.gateway_url, ip=me.ip)
    cookie.phone = me.phone
    cookie_login(cookie)
    assert cookie.call("GET", "/staff/v1/me").status_code == 401


def test_staff_sign_in_needs_all_three_factors(stack):
    staff = Customer(stack.gateway_url)
    no_totp = staff.call("POST", "/staff/v1/auth/login", json={"login": "admin", "password": "x"})
    assert no_totp.status_code == 422 and "totp_code" in no_totp.json()["errors"]
    wrong = staff.call("POST", "/staff/v1/auth/login", json={"login": "admin", "password": "x",
                                                             "totp_code": "123456"})
    assert wrong.status_code == 401
