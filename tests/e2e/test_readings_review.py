"""Staff review of flagged readings through the gateway with every process running, each test on a supplier of its
own: a confirmed implausible reading waits in the staff queue; rejected (with a reason) it no longer counts, its
preliminary charge is reversed on payments' ledger, the customer is told in the inbox and sees «Отклонено» with
the reason in the history; accepted it leaves the queue; the refusals; a retried correction with the same
Idempotency-Key gets the first correction from readings even when the gateway's record is gone; the calculator's
window refusal and its doubt."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
import zoneinfo

import pytest
import redis

from tests.e2e.client import Customer, eventually, staff_member
from tests.e2e.readings_accounts import bound, own_accounts
from tests.e2e.test_readings_rules import closed_window, post, readings_db, window_known

pytestmark = pytest.mark.e2e

PRICE_KOP = 600  # the test supplier's tariff: 6,00 ₽ per kWh


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


@pytest.fixture(scope="module")
def operator(stack):
    return staff_member(stack, "operator")


def flagged_reading(stack, admin, name: str):
    """A customer's account (baseline 100) with 150 accepted and 2000 confirmed — 1,850 kWh at once: flagged."""
    supplier, made = own_accounts(admin, 1, name=name)
    me, [account] = bound(stack, made)
    assert post(me, account, "150").status_code == 201
    confirmed = post(me, account, "2000", confirm=True)
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["flagged"] is True
    return supplier, me, account, confirmed.json()


def queue(staff: Customer, supplier: dict, **params) -> list[dict]:
    return staff.ok("GET", "/staff/v1/readings/flagged", params={"supplier_id": supplier["supplier_id"], **params})[
        "readings"]


def balance(me: Customer, account_id: str) -> int:
    return me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["balance_kop"]


def review(staff: Customer, reading_id: str, **body):
    return staff.call("POST", f"/staff/v1/readings/{reading_id}/review", json=body)


def test_a_rejected_reading_leaves_the_count_its_charge_is_reversed_and_the_customer_is_told(stack, admin, operator):
    supplier, me, account, flagged = flagged_reading(stack, admin, "АО «Проверочная сбытовая»")
    account_id = account["account_id"]
    eventually(lambda: balance(me, account_id) == -(50 + 1850) * PRICE_KOP, what="both preliminary charges")

    [waiting] = queue(operator, supplier)
    assert (waiting["reading"]["reading_id"], waiting["reading"]["status"], waiting["reviewed_by"]) == (
        flagged["reading_id"], "accepted", None)
    assert "необычно велик" in waiting["reading"]["flag_reason"] and waiting["submitted_by"]

    # refusals: a customer is not staff, a reason is required, a reading that is not flagged
    assert review(me, flagged["reading_id"], decision="reject", reason="я").status_code in (401, 403)
    for bad, code in ((dict(decision="reject"), "reason_required"), (dict(decision="maybe"), "invalid_input")):
        refused = review(operator, flagged["reading_id"], **bad)
        assert (refused.status_code, refused.json()["code"]) == (422, code), refused.text
    earlier = me.ok("GET", f"/api/v1/accounts/{account_id}/readings")["readings"][1]
    plain = review(operator, earlier["reading_id"], decision="accept")
    assert (plain.status_code, plain.json()["code"]) == (409, "reading_not_flagged")
    assert review(operator, str(uuid.uuid4()), decision="accept").status_code == 404

    rejected = operator.ok("POST", f"/staff/v1/readings/{flagged['reading_id']}/review",
                           json={"decision": "reject", "reason": "На фото счётчика 200"})
    assert (rejected["status"], rejected["status_title"], rejected["review"], rejected["review_reason"]) == (
        "rejected", "Отклонено", "rejected", "На фото счётчика 200")
    again = review(operator, flagged["reading_id"], decision="reject", reason="ещё раз")
    assert (again.status_code, again.json()["code"]) == (409, "reading_reviewed")
    assert queue(operator, supplier) == []
    assert [r["reading"]["reading_id"] for r in queue(admin, supplier, status="rejected")] == [flagged["reading_id"]]
    [(action, decision)] = readings_db(stack, "SELECT action, after->>'review' FROM audit_log WHERE entity_id = :r",
                                       r=flagged["reading_id"])
    assert (action, decision) == ("reading.review", "rejected")

    # payments reversed the preliminary charge once; notify told the customer; the history says it
    eventually(lambda: balance(me, account_id) == -50 * PRICE_KOP, what="the rejected reading's charge reversed")
    ledger = me.ok("GET", f"/api/v1/accounts/{account_id}/ledger")
    assert "показания отклонены" in str(ledger)
    [told] = eventually(lambda: [n for n in me.ok("GET", "/api/v1/notifications")["notifications"]
                                 if n["title"] == "Показания отклонены"], what="the rejection in the inbox")
    assert "На фото счётчика 200" in told["body"]
    shown = me.ok("GET", f"/api/v1/accounts/{account_id}/readings")["readings"][0]
    assert (shown["reading_id"], shown["status_title"], shown["review_reason"]) == (
        flagged["reading_id"], "Отклонено", "На фото счётчика 200")

    # no longer counted: not corrected, and the next reading counts from 150
    fix = me.call("POST", f"/api/v1/accounts/{account_id}/readings/{flagged['reading_id']}/correction",
                  json={"values": {"total": "200"}})
    assert (fix.status_code, fix.json()["code"]) == (409, "reading_rejected")
    following = post(me, account, "200")
    assert following.status_code == 201 and following.json()["consumption"] == {"total": "50.000"}
    eventually(lambda: balance(me, account_id) == -100 * PRICE_KOP, what="the next reading charged")


def test_an_accepted_flag_leaves_the_queue_and_only_the_last_reading_is_rejected(stack, admin, operator):
    supplier, me, account, flagged = flagged_reading(stack, admin, "АО «Доверчивая сбытовая»")
    accepted = operator.ok("POST", f"/staff/v1/readings/{flagged['reading_id']}/review",
                           json={"decision": "accept", "reason": "Клиент подтвердил по телефону"})
    assert (accepted["status"], accepted["review"], accepted["flagged"], accepted["reviewed_at"] is not None) == (
        "accepted", "accepted", True, True)
    assert queue(operator, supplier) == []
    [decided] = queue(operator, supplier, status="accepted")
    assert decided["reviewed_by"] and decided["reading"]["review_reason"] == "Клиент подтвердил по телефону"
    decided_again = review(operator, flagged["reading_id"], decision="reject", reason="передумали")
    assert (decided_again.status_code, decided_again.json()["code"]) == (409, "reading_reviewed")

    second = post(me, account, "4000", confirm=True)  # 2,000 kWh more: flagged again
    assert second.status_code == 201 and second.json()["flagged"] is True
    assert post(me, account, "4001").status_code == 201
    middle = review(operator, second.json()["reading_id"], decision="reject", reason="ошибка")
    assert (middle.status_code, middle.json()["code"]) == (409, "not_latest_reading")
    bad = operator.call("GET", "/staff/v1/readings/flagged", params={"period": "ноябрь"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_period")
    assert me.call("GET", "/staff/v1/readings/flagged").status_code in (401, 403)


def test_the_queue_a_page_at_a_time(stack, admin, operator):
    supplier, made = own_accounts(admin, 3, name="АО «Очередная сбытовая»")
    me, accounts = bound(stack, made)
    ids = []
    for account in accounts:
        assert post(me, account, "150").status_code == 201
        ids.append(post(me, account, "2000", confirm=True).json()["reading_id"])
    page = operator.ok("GET", "/staff/v1/readings/flagged", params={"supplier_id": supplier["supplier_id"],
                                                                      "page_size": 2})
    rest = operator.ok("GET", "/staff/v1/readings/flagged", params={
        "supplier_id": supplier["supplier_id"], "page_size": 2, "page_token": page["next_page_token"]})
    assert [r["reading"]["reading_id"] for r in page["readings"] + rest["readings"]] == ids
    assert rest["next_page_token"] == ""


def _forget_gateway_answer(stack, user_id: str, key: str) -> None:
    """The gateway's kept answer is gone (its store lost, or the retry reached another region): only readings'
    own key can answer the retry."""
    record = "gw:idem:" + hashlib.sha256(f"u:{user_id}\0{key}".encode()).hexdigest()
    client = redis.Redis.from_url(stack.redis_url)
    try:
        assert client.delete(record) == 1
    finally:
        client.close()


def test_a_retried_correction_with_the_same_key_returns_the_first_correction(stack, admin, operator):
    _, made = own_accounts(admin, 1, name="АО «Повторная сбытовая»")
    me, [account] = bound(stack, made)
    account_id = account["account_id"]
    wrong = post(me, account, "150").json()
    path = f"/api/v1/accounts/{account_id}/readings/{wrong['reading_id']}/correction"
    key = uuid.uuid4().hex
    first = me.call("POST", path, json={"values": {"total": "120"}}, headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    [(user_id,)] = readings_db(stack, "SELECT submitted_by::text FROM readings WHERE reading_id = :r",
                               r=wrong["reading_id"])
    _forget_gateway_answer(stack, user_id, key)

    retry = me.call("POST", path, json={"values": {"total": "120"}}, headers={"Idempotency-Key": key})
    assert retry.status_code == 201, retry.text
    assert "Idempotent-Replayed" not in retry.headers  # readings answered, not the gateway's record
    assert retry.json()["reading_id"] == first.json()["reading_id"]
    without_key = me.call("POST", path, json={"values": {"total": "120"}})
    assert (without_key.status_code, without_key.json()["code"]) == (409, "reading_superseded")
    eventually(lambda: balance(me, account_id) == -20 * PRICE_KOP, what="one correction charged")

    # staff the same: the retry returns the first staff correction, audited once
    staff_path = f"/staff/v1/readings/{first.json()['reading_id']}/correction"
    staff_key = uuid.uuid4().hex
    body = {"values": {"total": "130"}, "reason": "Фото счётчика"}
    fixed = operator.ok("POST", staff_path, 201, json=body, headers={"Idempotency-Key": staff_key})
    [(staff_id,)] = readings_db(stack, "SELECT submitted_by::text FROM readings WHERE reading_id = :r",
                                r=fixed["reading_id"])
    _forget_gateway_answer(stack, staff_id, staff_key)
    assert operator.ok("POST", staff_path, 201, json=body,
                       headers={"Idempotency-Key": staff_key})["reading_id"] == fixed["reading_id"]
    assert len(readings_db(stack, "SELECT 1 FROM audit_log WHERE entity_id = :r", r=first.json()["reading_id"])) == 1


def test_the_calculator_refuses_outside_the_window_and_tells_its_doubt(stack, admin):
    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Moscow")).date()
    first, last = closed_window(today)
    supplier, made = own_accounts(admin, 1, window=(first, last), name="АО «Расчётная сбытовая»")
    window_known(stack, supplier["supplier_id"], first, "refuse")
    me, [closed] = bound(stack, made)
    path = f"/api/v1/accounts/{closed['account_id']}/readings/preview"
    refused = me.call("POST", path, json={"meter_id": closed["meters"][0]["meter_id"], "values": {"total": "150"}})
    assert (refused.status_code, refused.json()["code"]) == (409, "outside_window")
    assert f"с {first} по {last} число" in refused.json()["detail"]

    _, [(number, meter)] = own_accounts(admin, 1, name="АО «Сомневающаяся сбытовая»")
    me, [account] = bound(stack, [(number, meter)])
    assert post(me, account, "150").status_code == 201
    path = f"/api/v1/accounts/{account['account_id']}/readings/preview"
    doubtful = me.ok("POST", path, json={"meter_id": account["meters"][0]["meter_id"], "values": {"total": "2000"}})
    assert "необычно велик" in doubtful["doubt"] and doubtful["amount_kop"] == 1850 * PRICE_KOP
    assert doubtful["period"] == f"{today:%Y-%m}"
    plain = me.ok("POST", path, json={"meter_id": account["meters"][0]["meter_id"], "values": {"total": "160"}})
    assert plain["doubt"] is None and plain["amount_kop"] == 10 * PRICE_KOP
