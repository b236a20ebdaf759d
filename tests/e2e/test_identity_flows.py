"""Identity flows through the gateway with the real auth service: enumeration, recovery,
sessions, refresh-token reuse, password rules, organizations' onboarding."""

from __future__ import annotations

import random
import statistics
import time

import pytest

from tests.e2e.client import PASSWORD, Customer, eventually

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "Kabinet-New-2027"


def new_phone() -> str:
    return f"+79{random.randrange(10**9):09d}"


def codes(me: Customer, destination: str) -> list[str]:
    """Six-digit codes sent to `destination`, newest first."""
    found = []
    for m in me.ok("GET", "/dev/outbox", params={"to": destination})["messages"]:
        found += [w.strip(".,:") for w in m["body"].split() if w.strip(".,:").isdigit() and len(w.strip(".,:")) == 6]
    return found


def newest_code(me: Customer, destination: str, not_in: set[str]) -> str:
    return eventually(lambda: next((c for c in codes(me, destination) if c not in not_in), None),
                      what=f"a new code for {destination}")


def bare(problem: dict) -> dict:
    return {k: v for k, v in problem.items() if k not in ("request_id",)}


# --- no enumeration ---
def test_registration_answers_the_same_for_known_and_new_phones(stack):
    known = Customer(stack.gateway_url).register()
    stranger = Customer(stack.gateway_url)
    replies = [c.call("POST", "/api/v1/auth/register", json={"phone": phone, "password": PASSWORD,
                                                             "terms_accepted": True})
               for c, phone in ((known, known.phone), (stranger, new_phone()))]
    assert replies[0].status_code == replies[1].status_code == 202
    first, second = (r.json() for r in replies)
    assert set(first) == set(second) and first["detail"] == second["detail"]
    assert first["code_ttl_seconds"] == second["code_ttl_seconds"]


def test_sign_in_answers_the_same_with_similar_timing(stack):
    known = Customer(stack.gateway_url).register()
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    bodies = {}
    for who, identifier in (("known", known.phone), ("unknown", new_phone())):
        for _ in range(3):
            client = Customer(stack.gateway_url)  # a fresh IP each time: no captcha, no delay
            started = time.perf_counter()
            response = client.call("POST", "/api/v1/auth/login", json={"identifier": identifier,
                                                                       "password": "Wrong-Pass-2026"})
            timings[who].append(time.perf_counter() - started)
            assert response.status_code == 401
            bodies[who] = bare(response.json())
    del bodies["known"]["instance"], bodies["unknown"]["instance"]
    assert bodies["known"] == bodies["unknown"]
    assert abs(statistics.median(timings["known"]) - statistics.median(timings["unknown"])) < 0.25, timings


def test_recovery_answers_the_same_for_known_and_unknown_identifiers(stack):
    known = Customer(stack.gateway_url).register()
    replies = [Customer(stack.gateway_url).call("POST", "/api/v1/auth/recovery", json={"identifier": ident})
               for ident in (known.phone, new_phone())]
    assert replies[0].status_code == replies[1].status_code == 202
    first, second = (r.json() for r in replies)
    assert set(first) == set(second)
    assert {k: first[k] for k in ("channel", "detail", "code_ttl_seconds")} == \
        {k: second[k] for k in ("channel", "detail", "code_ttl_seconds")}


# --- recovery ---
def test_recovery_by_sms_sets_a_new_password_and_ends_every_session(stack):
    me = Customer(stack.gateway_url).register().login()
    old_refresh = me.tokens["refresh_token"]
    seen = set(codes(me, me.phone))
    started = me.ok("POST", "/api/v1/auth/recovery", 202, json={"identifier": me.phone})
    code = newest_code(me, me.phone, seen)
    weak = me.call("POST", "/api/v1/auth/recovery/confirm", json={
        "recovery_id": started["recovery_id"], "code": code, "new_password": "short"})
    assert weak.status_code == 422 and "new_password" in weak.json().get("errors", {}), weak.text
    me.ok("POST", "/api/v1/auth/recovery/confirm", 204, json={
        "recovery_id": started["recovery_id"], "code": code, "new_password": NEW_PASSWORD})
    spent = me.call("POST", "/api/v1/auth/recovery/confirm", json={
        "recovery_id": started["recovery_id"], "code": code, "new_password": NEW_PASSWORD + "x"})
    assert spent.status_code == 422
    ended = me.call("GET", "/api/v1/me")  # every session ended, at once: its access token too
    assert ended.status_code == 401 and ended.json()["code"] == "session_ended"
    assert me.call("POST", "/api/v1/auth/refresh", json={"refresh_token": old_refresh}).status_code == 401
    assert Customer(stack.gateway_url).call("POST", "/api/v1/auth/login", json={
        "identifier": me.phone, "password": PASSWORD}).status_code == 401
    me.login(password=NEW_PASSWORD)


# --- tokens and sessions ---
def test_a_reused_refresh_token_ends_the_whole_session(stack):
    me = Customer(stack.gateway_url).register().login()
    first = me.tokens["refresh_token"]
    second = me.ok("POST", "/api/v1/auth/refresh", json={"refresh_token": first})
    assert second["refresh_token"] != first
    reused = me.call("POST", "/api/v1/auth/refresh", json={"refresh_token": first})
    assert reused.status_code == 401
    assert me.call("POST", "/api/v1/auth/refresh",
                   json={"refresh_token": second["refresh_token"]}).status_code == 401


def test_sessions_are_listed_revoked_one_by_one_and_all_at_once(stack):
    me = Customer(stack.gateway_url).register().login()
    other = Customer(stack.gateway_url, ip=me.ip)
    other.phone = me.phone
    other.login()
    sessions = me.ok("GET", "/api/v1/me/sessions")["sessions"]
    assert len(sessions) == 2 and sum(s["current"] for s in sessions) == 1
    theirs = next(s for s in sessions if not s["current"])
    me.ok("DELETE", f"/api/v1/me/sessions/{theirs['session_id']}", 204)
    assert other.call("POST", "/api/v1/auth/refresh",
                      json={"refresh_token": other.tokens["refresh_token"]}).status_code == 401
    assert len(me.ok("GET", "/api/v1/me/sessions")["sessions"]) == 1
    third = Customer(stack.gateway_url, ip=me.ip)
    third.phone = me.phone
    third.login()
    me.ok("POST", "/api/v1/auth/logout-all", 204)
    for c in (me, third):
        assert c.call("POST", "/api/v1/auth/refresh",
                      json={"refresh_token": c.tokens["refresh_token"]}).status_code == 401


def test_changing_the_password_needs_the_old_one_and_can_end_other_sessions(stack):
    me = Customer(stack.gateway_url).register().login()
    other = Customer(stack.gateway_url, ip=me.ip)
    other.phone = me.phone
    other.login()
    wrong = me.call("POST", "/api/v1/me/password", json={"old_password": "Not-The-One-1",
                                                         "new_password": NEW_PASSWORD})
    assert wrong.status_code in (401, 409, 422) and wrong.json()["code"] == "bad_password"
    done = me.ok("POST", "/api/v1/me/password", json={"old_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert done["sessions_ended"] >= 1
    assert other.call("POST", "/api/v1/auth/refresh",
                      json={"refresh_token": other.tokens["refresh_token"]}).status_code == 401


# --- password rules ---
def test_the_password_rules_are_published_and_each_is_a_field_error(stack):
    me = Customer(stack.gateway_url)
    rules = me.ok("GET", "/api/v1/auth/password-rules")
    assert {r["code"] for r in rules["rules"]} >= {"latin_only", "min_length", "upper", "lower", "digit"}
    for password in ("Short1A", "alllowercase1", "ALLUPPERCASE1", "NoDigitsHere", "Кириллица1A", "With space1A"):
        response = me.call("POST", "/api/v1/auth/register", json={
            "phone": new_phone(), "password": password, "terms_accepted": True})
        assert response.status_code == 422, password
        assert "password" in response.json()["errors"], (password, response.text)


# --- organizations ---
def test_an_organization_must_introduce_itself_before_anything_else(stack):
    org = Customer(stack.gateway_url)
    email = f"org{random.randrange(10**9)}@example.ru"
    reply = org.ok("POST", "/api/v1/auth/register", 202, json={
        "email": email, "password": PASSWORD, "terms_accepted": True, "kind": "organization"})
    code = newest_code(org, email, set())
    confirmed = org.ok("POST", "/api/v1/auth/register/confirm", json={
        "registration_id": reply["registration_id"], "code": code})
    assert confirmed["onboarding_required"] is True
    org.login(identifier=email)
    assert org.tokens["onboarding_required"] is True
    blocked = org.call("GET", "/api/v1/accounts")
    assert blocked.status_code == 403 and blocked.json()["code"] == "onboarding_required"
    profile = org.ok("PATCH", "/api/v1/me", json={"surname": "Иванов", "first_name": "Иван",
                                                  "contact_phone": new_phone()})
    assert profile["onboarding_required"] is False
    fresh = org.ok("POST", "/api/v1/auth/refresh", json={"refresh_token": org.tokens["refresh_token"]})
    assert fresh["onboarding_required"] is False
    org.http.headers["Authorization"] = f"Bearer {fresh['access_token']}"
    assert org.ok("GET", "/api/v1/accounts") == {"accounts": []}
