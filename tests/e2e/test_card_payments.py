"""Card payments end to end: the gateway, payments (api and worker) and the running YooKassa simulator. The
customer's own supplier and accounts (opening debts by the registry), the hosted payment page posted over HTTP
as a browser would, the provider's notifications to the gateway's unsigned provider route, replays, the
provider's break, paying without signing in, receipts, the history and a staff refund."""

from __future__ import annotations

import os
import random
import signal
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.e2e.client import Customer, eventually, import_registry, new_supplier, staff_member

pytestmark = pytest.mark.e2e

SUCCESS, THREE_DS, DECLINE, NO_FUNDS = ("5555555555554477", "5555555555554444", "4111111111111111",
                                        "5555555555554592")


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


@pytest.fixture(scope="module")
def sim(stack):
    """The simulator's controls, its notifications pointed at the gateway's provider route."""
    base = stack.yookassa_sim_url
    url = f"{stack.gateway_url}/partners/v1/providers/yookassa/notifications"
    response = requests.post(f"{base}/_sim/config", json={"notification_url": url, "retry_delays": [0.5, 1, 2, 5]},
                             timeout=10)
    assert response.status_code == 200, response.text
    requests.delete(f"{base}/_sim/break", timeout=10)
    return base


@pytest.fixture(scope="module")
def world(stack, admin, sim):
    """A supplier of the test's own with two accounts that owe energy (and one penalties too), and a bank payment
    on the first; a customer bound to both."""
    supplier = new_supplier(admin, name="АО «Карточная сбытовая»", due_day=10)
    code = supplier["sms_code"]
    numbers = [f"77-{random.randrange(10**8):08d}" for _ in range(2)]
    meters = [f"{random.randrange(10**8):08d}" for _ in range(2)]
    accounts = "".join(f"{code};{n};Иванов Пётр Сергеевич;620000, г. Екатеринбург, ул. 8 Марта, д. 5, кв. 12;"
                       "urban_gas_stove;40,0;1;gas;paper;0\n" for n in numbers)
    import_registry(admin, accounts=(
        "supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
        "automatic_metering\n" + accounts),
        meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n" + "".join(
            f"{code};{n};{m};Меркурий 201.5;1;6;1;2030-12-31\n" for n, m in zip(numbers, meters, strict=True)),
        balances="supplier_code;account_number;bucket;amount;due_on;as_of;external_id\n"
                 f"{code};{numbers[0]};energy;-1500,00;2026-11-10;2026-11-30;b1\n"
                 f"{code};{numbers[0]};penalties;-120,50;2026-11-10;2026-11-30;b2\n"
                 f"{code};{numbers[1]};energy;-800,00;2026-11-10;2026-11-30;b3\n",
        payments="supplier_code;account_number;paid_on;amount;channel;external_id\n"
                 f"{code};{numbers[0]};2026-12-01;100,00;bank;bank-{uuid.uuid4().hex[:8]}\n")
    me = Customer(stack.gateway_url).register().login()
    ids = [me.ok("POST", "/api/v1/accounts", 201, json={"number": n, "proof": {"meter_number": m}})["account_id"]
           for n, m in zip(numbers, meters, strict=True)]
    return {"supplier_id": supplier["supplier_id"], "numbers": numbers, "ids": ids, "me": me}


def pay(me: Customer, items: list[dict], *, key: str | None = None, status: int = 201, **extra) -> dict:
    return me.ok("POST", "/api/v1/payments", status, json={
        "items": items, "receipt": {"email": "payer@example.ru"}, **extra},
        headers={"Idempotency-Key": key or uuid.uuid4().hex})


def browser_pays(confirmation_url: str, card: str, *, code: str | None = None, expiry: str = "12/30") -> None:
    """What a person does on the provider's page: open it, fill the form in, (3-D Secure: type the code)."""
    browser = requests.Session()
    page = browser.get(confirmation_url, timeout=10)
    assert page.status_code == 200 and "card_number" in page.text, page.text[:500]
    answer = browser.post(confirmation_url, data={"card_number": card, "expiry": expiry, "cvc": "123"},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    if code is not None:
        three_ds = urlsplit(confirmation_url)._replace(path="/checkout/payments/v2/3ds").geturl()
        assert answer.headers["Location"].startswith("/checkout/payments/v2/3ds")
        assert browser.get(three_ds, timeout=10).status_code == 200
        done = browser.post(three_ds, data={"code": code}, allow_redirects=False, timeout=10)
        assert done.status_code == 302
        answer = done
    back = answer.headers["Location"]
    assert "/payments" in back and "payment_id=" in back, back


def settled(me: Customer, payment_id: str) -> dict:
    def check():
        payment = me.ok("GET", f"/api/v1/payments/{payment_id}")
        return payment if payment["status"] != "pending" else None
    return eventually(check, timeout=30, what="the payment settled")


def balance(me: Customer, account_id: str) -> dict:
    return me.ok("GET", f"/api/v1/accounts/{account_id}/balance")


def ledger_payments(me: Customer, account_id: str) -> list[dict]:
    entries = me.ok("GET", f"/api/v1/accounts/{account_id}/ledger", params={"page_size": 200})["entries"]
    return [e for e in entries if e["kind"] in ("payment", "refund")]


def test_paying_the_amount_due_by_card_several_accounts_energy_and_penalties(world, sim):
    me, (first, second) = world["me"], world["ids"]
    due = balance(me, first)
    assert due["amount_due_energy_kop"] == 140000 and due["amount_due_penalties_kop"] == 12050
    items = [{"account_id": first, "energy_kop": due["amount_due_energy_kop"],
              "penalties_kop": due["amount_due_penalties_kop"]},
             {"account_id": second, "energy_kop": 30000}]
    payment = pay(me, items, save_card=True)
    assert payment["status"] == "pending" and payment["status_text"] == "в обработке"
    assert payment["amount_kop"] == 140000 + 12050 + 30000
    assert {(i["account_id"], i["bucket"], i["amount_kop"]) for i in payment["items"]} == {
        (first, "energy", 140000), (first, "penalties", 12050), (second, "energy", 30000)}
    by_id = dict(zip(world["ids"], world["numbers"], strict=True))
    assert all(i["account_number"] == by_id[i["account_id"]] for i in payment["items"])  # as printed, for the page
    # the receipt sent to the provider: one line per account × bucket, adding up to the amount
    at_provider = next(p for p in requests.get(f"{sim}/_sim/payments", timeout=10).json()["items"]
                       if p["id"] == payment["provider_payment_id"])
    assert at_provider["metadata"]["payment_id"] == payment["payment_id"]

    browser_pays(payment["confirmation_url"], SUCCESS)
    done = settled(me, payment["payment_id"])
    assert done["status"] == "succeeded" and done["status_text"] == "проведён"
    assert done["card"].endswith("4477") and "**" in done["card"]
    # «Сохранить карту»: the provider saved it, so the cabinet remembers it (first six and last four only)
    cards = me.ok("GET", "/api/v1/cards")["cards"]
    assert [c["last4"] for c in cards] == ["4477"]
    after = balance(me, first)
    assert after["amount_due_kop"] == 0
    assert balance(me, second)["amount_due_energy_kop"] == 50000
    cabinet = [e for e in ledger_payments(me, first) if e["channel"] == "cabinet"]
    assert sorted((e["bucket"], e["amount_kop"]) for e in cabinet) == [("energy", 140000), ("penalties", 12050)]

    # the history: the card payment and the bank's payment, with their channels; a receipt for the first only
    history = me.ok("GET", "/api/v1/payments")["payments"]
    card = next(h for h in history if h["id"] == payment["payment_id"])
    assert card["source"] == "card" and card["receipt_available"] and card["channel"] == "cabinet"
    bank = next(h for h in history if h["source"] == "ledger" and h["channel"] == "bank")
    assert bank["amount_kop"] == 10000 and not bank["receipt_available"]
    only_second = me.ok("GET", "/api/v1/payments", params={"account_id": second})["payments"]
    assert [h["id"] for h in only_second] == [payment["payment_id"]]

    pdf = me.call("GET", f"/api/v1/payments/{payment['payment_id']}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert me.call("GET", f"/api/v1/payments/{bank['id']}/receipt.pdf").json()["code"] == "receipt_not_found"

    # the notification replayed many times (and reordered) posts nothing more
    notes = requests.get(f"{sim}/_sim/notifications", timeout=10).json()["items"]
    mine = [n["id"] for n in notes if n["object_id"] == payment["provider_payment_id"]]
    assert mine
    replay = requests.post(f"{sim}/_sim/notifications/replay", json={"ids": mine[::-1], "times": 3}, timeout=30)
    assert replay.status_code == 200, replay.text
    assert {sent["status"] for sent in replay.json()["sent"]} == {200}
    time.sleep(3)
    assert len([e for e in ledger_payments(me, first) if e["channel"] == "cabinet"]) == 2
    assert balance(me, first)["amount_due_kop"] == 0

    # someone else's payment is nobody's business
    stranger = Customer(me.base).register().login()
    assert stranger.call("GET", f"/api/v1/payments/{payment['payment_id']}").status_code == 404


def test_declines_and_3d_secure_leave_the_reason_in_russian(world):
    me, first = world["me"], world["ids"][1]
    cases = [(DECLINE, None, "general_decline", "Банк отклонил"),
             (NO_FUNDS, None, "insufficient_funds", "Недостаточно средств"),
             (THREE_DS, "000", "3d_secure_failed", "3-D Secure")]
    for card, code, reason, text in cases:
        payment = pay(me, [{"account_id": first, "energy_kop": 1000}])
        browser_pays(payment["confirmation_url"], card, code=code)
        done = settled(me, payment["payment_id"])
        assert done["status"] == "canceled" and done["status_text"] == "отменён", done
        assert done["cancel_reason"] == reason and text in done["cancel_message"], done
    before = balance(me, first)["energy_kop"]
    payment = pay(me, [{"account_id": first, "energy_kop": 1000}])
    browser_pays(payment["confirmation_url"], THREE_DS, code="123")
    assert settled(me, payment["payment_id"])["status"] == "succeeded"
    assert balance(me, first)["energy_kop"] == before + 1000
    assert me.call("GET", f"/api/v1/payments/{payment['payment_id']}/receipt.pdf").status_code == 200


def test_the_same_idempotency_key_with_another_body_is_refused(world):
    me, account = world["me"], world["ids"][1]
    key = uuid.uuid4().hex
    first = pay(me, [{"account_id": account, "energy_kop": 500}], key=key)
    again = pay(me, [{"account_id": account, "energy_kop": 500}], key=key)
    assert again["payment_id"] == first["payment_id"]
    other = me.call("POST", "/api/v1/payments", json={"items": [{"account_id": account, "energy_kop": 700}],
                                                     "receipt": {"email": "payer@example.ru"}},
                    headers={"Idempotency-Key": key})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_bad_amounts_and_foreign_accounts(world):
    me, account = world["me"], world["ids"][0]
    zero = me.call("POST", "/api/v1/payments", json={"items": [{"account_id": account}],
                                                    "receipt": {"email": "payer@example.ru"}})
    assert zero.status_code == 422 and "items.0.energy_kop" in zero.json()["errors"]
    no_contact = me.call("POST", "/api/v1/payments", json={"items": [{"account_id": account, "energy_kop": 100}],
                                                          "receipt": {}})
    assert no_contact.status_code == 422 and "receipt.email" in no_contact.json()["errors"]
    foreign = me.call("POST", "/api/v1/payments", json={
        "items": [{"account_id": str(uuid.uuid4()), "energy_kop": 100}], "receipt": {"email": "payer@example.ru"}})
    assert foreign.status_code == 404 and foreign.json()["code"] == "account_not_found"


def test_a_forged_notification_and_a_foreign_network_change_nothing(world, stack):
    me, account = world["me"], world["ids"][1]
    payment = pay(me, [{"account_id": account, "energy_kop": 2500}])
    forged = {"type": "notification", "event": "payment.succeeded",
              "object": {"id": payment["provider_payment_id"], "status": "succeeded", "paid": True,
                         "amount": {"value": "25.00", "currency": "RUB"}}}
    url = f"{stack.gateway_url}/partners/v1/providers/yookassa/notifications"
    assert requests.post(url, json=forged, timeout=10).status_code == 200  # from the loopback: stored
    refused = requests.post(url, json=forged, headers={"X-Forwarded-For": "8.8.8.8"}, timeout=10)
    assert refused.status_code == 403 and refused.json()["code"] == "notification_source_refused"
    time.sleep(3)
    assert me.ok("GET", f"/api/v1/payments/{payment['payment_id']}")["status"] == "pending"


def test_the_provider_s_break_is_a_503_and_creates_nothing(world, sim):
    me, account = world["me"], world["ids"][1]
    before = len(me.ok("GET", "/api/v1/payments", params={"page_size": 200})["payments"])
    requests.post(f"{sim}/_sim/break", json={"seconds": 4}, timeout=10)
    try:
        refused = me.call("POST", "/api/v1/payments", json={"items": [{"account_id": account, "energy_kop": 900}],
                                                           "receipt": {"email": "payer@example.ru"}},
                          headers={"Idempotency-Key": uuid.uuid4().hex})
        assert refused.status_code == 503, refused.text
        problem = refused.json()
        assert problem["code"] == "provider_unavailable" and "недоступна" in problem["detail"]
        dashboard = me.ok("GET", "/api/v1/dashboard")
        assert dashboard["payments_available"] is False and dashboard["payments_notice"]
    finally:
        requests.delete(f"{sim}/_sim/break", timeout=10)
    assert len(me.ok("GET", "/api/v1/payments", params={"page_size": 200})["payments"]) == before
    time.sleep(4.5)  # the breaker stays open for the break the provider announced
    eventually(lambda: me.ok("GET", "/api/v1/dashboard")["payments_available"], timeout=40,
               what="payments available again")


def test_paying_without_signing_in(world, stack):
    guest = Customer(stack.gateway_url)
    number, supplier_id = world["numbers"][1], world["supplier_id"]
    no_captcha = guest.call("POST", "/api/v1/public/payments/account", json={"number": number,
                                                                            "supplier_id": supplier_id})
    assert no_captcha.status_code == 422 and no_captcha.json()["code"] == "captcha_required"
    view = guest.ok("POST", "/api/v1/public/payments/account", json={
        "number": number, "supplier_id": supplier_id, **guest.captcha()})
    assert view["holder_masked"] == "И*** П***"
    assert view["address_part"] == "г. Екатеринбург, ул. 8 Марта"
    assert "account_id" not in view and view["amount_due_kop"] > 0
    unknown = guest.call("POST", "/api/v1/public/payments/account", json={
        "number": "00-00000000", "supplier_id": supplier_id, **guest.captcha()})
    assert unknown.status_code == 404
    payment = guest.ok("POST", "/api/v1/public/payments", 201, json={
        "number": number, "supplier_id": supplier_id, "energy_kop": view["amount_due_energy_kop"],
        "receipt": {"phone": "+7 912 345-67-89"}, **guest.captcha()}, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert payment["status"] == "pending" and payment["confirmation_url"]
    browser_pays(payment["confirmation_url"], SUCCESS)
    me, account = world["me"], world["ids"][1]
    eventually(lambda: any(e["channel"] == "public" for e in ledger_payments(me, account)), timeout=30,
               what="the public payment on the ledger")


def test_a_staff_refund_reaches_the_ledger(world, admin):
    me, account = world["me"], world["ids"][1]
    payment = pay(me, [{"account_id": account, "energy_kop": 5000}])
    browser_pays(payment["confirmation_url"], SUCCESS)
    assert settled(me, payment["payment_id"])["status"] == "succeeded"
    before = balance(me, account)["energy_kop"]
    path = f"/staff/v1/payments/{payment['payment_id']}/refunds"
    too_much = admin.call("POST", path, json={"account_id": account, "bucket": "energy", "amount_kop": 5001,
                                              "reason": "ошибка"})
    assert too_much.status_code == 422 and "amount_kop" in too_much.json()["errors"]
    assert me.call("POST", path, json={"account_id": account, "bucket": "energy", "amount_kop": 100,
                                       "reason": "x"}).status_code in (401, 403)
    refund = admin.ok("POST", path, 201, json={"account_id": account, "bucket": "energy", "amount_kop": 2000,
                                               "reason": "Ошибочная оплата"})
    assert refund["status"] == "succeeded"
    assert balance(me, account)["energy_kop"] == before - 2000
    refunds = [e for e in ledger_payments(me, account) if e["kind"] == "refund"]
    assert [e["amount_kop"] for e in refunds] == [-2000]
    assert me.ok("GET", f"/api/v1/payments/{payment['payment_id']}")["refunded_kop"] == 2000
    history = me.ok("GET", "/api/v1/payments", params={"account_id": account})["payments"]
    assert any(h["kind"] == "refund" and h["amount_kop"] == -2000 for h in history)


def test_the_return_url_is_the_cabinet_s_own(world, stack):
    me, account = world["me"], world["ids"][1]
    evil = me.call("POST", "/api/v1/payments", json={"items": [{"account_id": account, "energy_kop": 100}],
                                                    "receipt": {"email": "payer@example.ru"},
                                                    "return_path": "//evil.example/steal"})
    assert evil.status_code == 422 and "return_path" in evil.json()["errors"]
    payment = pay(me, [{"account_id": account, "energy_kop": 100}], return_path="/accounts")
    page = requests.get(payment["confirmation_url"], timeout=10)
    assert page.status_code == 200
    found = parse_qs(urlsplit(payment["confirmation_url"]).query)
    assert found["orderId"] == [payment["provider_payment_id"]]


def test_kill_9_of_the_worker_mid_notification_loses_and_duplicates_nothing(world, stack, sim):
    """The worker is killed while it applies a notification: it has taken the inbox row and is waiting for the
    provider's answer to its re-fetch (the simulator is frozen), its transaction open. The restarted worker
    applies it: the payment is posted once."""
    me, account = world["me"], world["ids"][1]
    amount = 4321
    worker = stack.supervisor.pid("payments-worker")
    simulator = stack.supervisor.pid("yookassa-sim")
    payment = pay(me, [{"account_id": account, "energy_kop": amount}])
    os.kill(worker, signal.SIGSTOP)  # the notification waits in the inbox
    try:
        browser_pays(payment["confirmation_url"], SUCCESS)

        def delivered():
            notes = requests.get(f"{sim}/_sim/notifications", timeout=10).json()["items"]
            return any(n["object_id"] == payment["provider_payment_id"] and n["delivered"] for n in notes)
        eventually(delivered, timeout=20, what="the notification in payments' inbox")
        os.kill(simulator, signal.SIGSTOP)  # the worker's re-fetch will hang mid-transaction
        os.kill(worker, signal.SIGCONT)
        time.sleep(2.5)
        os.kill(worker, signal.SIGKILL)
    finally:
        os.kill(simulator, signal.SIGCONT)
    assert me.ok("GET", f"/api/v1/payments/{payment['payment_id']}")["status"] == "pending"
    eventually(lambda: stack.supervisor.pid("payments-worker") not in (None, worker), timeout=30,
               what="the worker restarted")
    assert settled(me, payment["payment_id"])["status"] == "succeeded"
    time.sleep(2)
    mine = [e for e in ledger_payments(me, account) if e["channel"] == "cabinet" and e["amount_kop"] == amount]
    assert len(mine) == 1
