"""Readings of several accounts at once (each item its own result; one bad item does not stop the others; a retry
with the same Idempotency-Key gets the first results) and without signing in (captcha, the meter's number as the
second fact, one answer for every miss, rate limited, nothing about the holder) through the gateway."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.client import Customer, eventually, same_problem, staff_member
from tests.e2e.readings_accounts import bound, own_accounts

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


def item(account: dict, value: str) -> dict:
    return {"account_id": account["account_id"], "meter_id": account["meters"][0]["meter_id"],
            "values": {"total": value}}


def test_several_accounts_at_once_each_with_its_own_result(stack, admin):
    _, made = own_accounts(admin, 2)
    me, (first, second) = bound(stack, made)
    _, other_made = own_accounts(admin, 1, name="АО «Чужая сбытовая»")
    _, [foreign] = bound(stack, other_made)
    body = {"items": [item(first, "150"), item(second, "12,34567"), item(foreign, "500"), item(second, "130")]}
    key = uuid.uuid4().hex
    reply = me.ok("POST", "/api/v1/readings", json=body, headers={"Idempotency-Key": key})["results"]
    assert [(r["index"], r["accepted"]) for r in reply] == [(0, True), (1, False), (2, False), (3, True)]
    assert reply[0]["reading"]["values"] == {"total": "150.000"} and reply[0]["problem"] is None
    assert (reply[1]["problem"]["code"], list(reply[1]["problem"]["fields"])) == ("invalid_reading", ["total"])
    assert reply[2]["problem"]["code"] == "account_not_found" and reply[2]["reading"] is None
    assert reply[3]["reading"]["consumption"] == {"total": "30.000"}

    again = me.call("POST", "/api/v1/readings", json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["results"] == reply
    history = me.ok("GET", f"/api/v1/accounts/{second['account_id']}/readings")["readings"]
    assert [r["values"]["total"] for r in history][:2] == ["130.000", "100.000"]

    empty = me.call("POST", "/api/v1/readings", json={"items": []})
    assert (empty.status_code, empty.json()["code"]) == (422, "invalid_input")
    anonymous = Customer(stack.gateway_url)
    assert anonymous.call("POST", "/api/v1/readings", json=body).status_code == 401


def public(who: Customer, number: str, meter: str, value: str = "140", captcha: bool = True, **extra):
    body = {"account_number": number, "meter_number": meter, "values": {"total": value}, **extra}
    return who.call("POST", "/api/v1/public/readings", json={**body, **(who.captcha() if captcha else {})})


def first_public(stack, number: str, meter: str, **extra):
    """The first reading of an account just imported: readings learns of it from accounts' events a moment after
    the import (a public reading has no caller to ask accounts with), so a 404 is tried again, each time by a new
    visitor (a per-address limit)."""
    def attempt():
        reply = public(Customer(stack.gateway_url), number, meter, **extra)
        return None if reply.status_code == 404 else reply
    return eventually(attempt, timeout=15, interval=0.3, what="readings' projection of the imported account")


def test_without_signing_in_by_the_meters_number_with_the_preliminary_charge(stack, admin):
    supplier, [(number, meter)] = own_accounts(admin, 1, name="АО «Открытая сбытовая»")
    accepted = first_public(stack, number, f" {meter[:4]}-{meter[4:]} ", supplier_id=supplier["supplier_id"])
    assert accepted.status_code == 201, accepted.text
    shown = accepted.json()
    assert (shown["values"], shown["consumption"], shown["source"], shown["status"]) == (
        {"total": "140.000"}, {"total": "40.000"}, "public", "accepted")
    assert shown["charge_available"] is True and shown["amount_kop"] == 24_000  # 40 kWh × 6,00 ₽
    text = accepted.text
    assert "Показанцев" not in text and "Счётная" not in text and "holder" not in text and "address" not in text

    me, [account] = bound(stack, [(number, meter)])
    [latest, *_] = me.ok("GET", f"/api/v1/accounts/{account['account_id']}/readings")["readings"]
    assert (latest["values"], latest["source"]) == ({"total": "140.000"}, "public")


def test_a_stranger_learns_nothing_captcha_required_and_rate_limited(stack, admin):
    _, [(number, meter)] = own_accounts(admin, 1, name="АО «Закрытая сбытовая»")
    stranger = Customer(stack.gateway_url)
    unknown = public(stranger, f"77-{uuid.uuid4().int % 10**8:08d}", meter)
    wrong_meter = public(stranger, number, "99999999")
    another = own_accounts(admin, 1, name="АО «Соседняя сбытовая»")[1][0]
    someone_elses_meter = public(stranger, number, another[1])
    assert unknown.status_code == wrong_meter.status_code == someone_elses_meter.status_code == 404
    assert same_problem(unknown) == same_problem(wrong_meter) == same_problem(someone_elses_meter)
    assert same_problem(unknown)["code"] == "public_reading_not_found"

    no_captcha = public(stranger, number, meter, captcha=False)
    assert (no_captcha.status_code, no_captcha.json()["code"]) == (422, "captcha_required")

    flood = Customer(stack.gateway_url)
    statuses = [public(flood, number, "1", captcha=False).status_code for _ in range(21)]
    assert statuses[:20] == [422] * 20 and statuses[20] == 429
    limited = public(flood, number, meter)
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
