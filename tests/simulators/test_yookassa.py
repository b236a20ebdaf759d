"""The YooKassa simulator speaks API v3 as the real one: over HTTP against the running app, with a real
receiver for its notifications. Card payments on the hosted page with each test card, two-stage payments,
saved cards, refunds, receipts, idempotence keys, the error format and technical breaks."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from simulators.yookassa.app import SECRET_KEY, SHOP_ID, SimConfig, break_window, create_app

RETURN_URL = "https://kabinet.example/pay/return"
REPO_ROOT = Path(__file__).resolve().parents[2]


class Receiver:
    """The shop's notification endpoint: keeps what it gets, answers with the statuses it is told to."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.answers: list[int] = []  # the next answers, then 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = receiver.answers.pop(0) if receiver.answers else 200
                receiver.received.append({"status": status, **body})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/yookassa/notifications"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def of(self, object_id: str, wait_for: int = 1) -> list[dict]:
        """The notifications about one object, waiting (a little) until there are `wait_for` of them."""
        deadline = time.monotonic() + 5
        while True:
            got = [n for n in self.received if n["object"]["id"] == object_id]
            if len(got) >= wait_for or time.monotonic() > deadline:
                return got
            time.sleep(0.02)


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture(scope="module")
def sim(receiver):
    """The simulator's base URL; notifications go to `receiver`, retried quickly."""
    config = SimConfig(notification_url=receiver.url, retry_delays=[0.05, 0.05, 0.05])
    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def api(sim, method, path, body=None, *, key=None, auth=(SHOP_ID, SECRET_KEY)):
    headers = {"Idempotence-Key": key or str(uuid.uuid4())} if method == "POST" else {}
    return requests.request(method, f"{sim}/v3{path}", json=body, headers=headers, auth=auth, timeout=10)


def receipt(value="1500.00", email="ivanova@example.test"):
    return {"customer": {"email": email}, "items": [
        {"description": "Электроэнергия, лицевой счёт 1234567890", "quantity": "1.00",
         "amount": {"value": value, "currency": "RUB"}, "vat_code": 1, "payment_subject": "service",
         "payment_mode": "full_payment"}]}


def payment_body(value="1500.00", **extra):
    return {"amount": {"value": value, "currency": "RUB"}, "capture": True,
            "confirmation": {"type": "redirect", "return_url": RETURN_URL},
            "description": "Оплата по счёту 1234567890", "metadata": {"account": "1234567890"},
            "receipt": receipt(value), **extra}


def create(sim, **extra) -> dict:
    answer = api(sim, "POST", "/payments", payment_body(**extra))
    assert answer.status_code == 200, answer.text
    return answer.json()


def pay(payment: dict, card: str, expiry: str = "12/30", cvc: str = "123") -> requests.Response:
    """The customer on the hosted page: open it, type the card, submit."""
    url = payment["confirmation"]["confirmation_url"]
    form = requests.get(url, timeout=10)
    assert form.status_code == 200 and "Номер карты" in form.text
    return requests.post(url, data={"card_number": card, "expiry": expiry, "cvc": cvc}, allow_redirects=False,
                         timeout=10)


def test_a_card_payment_goes_pending_then_succeeded_with_a_receipt_and_a_notification(sim, receiver):
    payment = create(sim)
    assert payment["status"] == "pending" and payment["paid"] is False
    assert payment["amount"] == {"value": "1500.00", "currency": "RUB"}
    assert payment["confirmation"]["return_url"] == RETURN_URL
    assert re.fullmatch(r"[0-9a-f]{8}-000f-5000-[89ab][0-9a-f]{3}-[0-9a-f]{12}", payment["id"])

    paid = pay(payment, "5555 5555 5555 4477")
    assert (paid.status_code, paid.headers["Location"]) == (302, RETURN_URL)

    now = api(sim, "GET", f"/payments/{payment['id']}").json()
    assert (now["status"], now["paid"], now["refundable"]) == ("succeeded", True, True)
    assert now["payment_method"]["card"]["last4"] == "4477" and now["payment_method"]["saved"] is False
    assert now["receipt_registration"] == "succeeded" and now["metadata"] == {"account": "1234567890"}
    [note] = receiver.of(payment["id"])
    assert (note["type"], note["event"], note["object"]["status"]) == ("notification", "payment.succeeded",
                                                                       "succeeded")
    [fiscal] = api(sim, "GET", f"/receipts?payment_id={payment['id']}").json()["items"]
    assert (fiscal["type"], fiscal["status"], fiscal["payment_id"]) == ("payment", "succeeded", payment["id"])


def test_the_3ds_card_asks_for_a_code_on_a_second_page(sim, receiver):
    ok, failed = create(sim), create(sim)
    for payment, code in ((ok, "123"), (failed, "000")):
        step = pay(payment, "5555555555554444")
        assert step.status_code == 302 and "/3ds?" in step.headers["Location"]
        three_ds = f"{sim}{step.headers['Location']}"
        assert "Код из SMS" in requests.get(three_ds, timeout=10).text
        assert api(sim, "GET", f"/payments/{payment['id']}").json()["status"] == "pending"
        done = requests.post(three_ds, data={"code": code}, allow_redirects=False, timeout=10)
        assert done.headers["Location"] == RETURN_URL
    assert api(sim, "GET", f"/payments/{ok['id']}").json()["authorization_details"]["three_d_secure"] == {
        "applied": True}
    declined = api(sim, "GET", f"/payments/{failed['id']}").json()
    assert declined["cancellation_details"] == {"party": "payment_network", "reason": "3d_secure_failed"}
    assert [n["event"] for n in receiver.of(failed["id"])] == ["payment.canceled"]


@pytest.mark.parametrize(("card", "expiry", "reason"), [
    ("4111111111111111", "12/30", "general_decline"),
    ("5555555555554592", "12/30", "insufficient_funds"),
    ("5555555555554477", "01/21", "card_expired"),
])
def test_declined_cards_cancel_the_payment_with_the_reason(sim, receiver, card, expiry, reason):
    payment = create(sim)
    assert pay(payment, card, expiry).headers["Location"] == RETURN_URL
    now = api(sim, "GET", f"/payments/{payment['id']}").json()
    assert (now["status"], now["paid"]) == ("canceled", False)
    assert now["cancellation_details"] == {"party": "payment_network", "reason": reason}
    assert receiver.of(payment["id"])[0]["event"] == "payment.canceled"
    assert requests.get(payment["confirmation"]["confirmation_url"], allow_redirects=False,
                        timeout=10).status_code == 302  # the page is done with it


def test_a_mistyped_card_shows_the_form_again(sim):
    payment = create(sim)
    again = pay(payment, "5555 5555 5555 4478")  # Luhn fails
    assert again.status_code == 200 and "Проверьте номер карты" in again.text
    assert "Проверьте срок" in pay(payment, "5555555555554477", expiry="13/30").text
    assert api(sim, "GET", f"/payments/{payment['id']}").json()["status"] == "pending"


def test_a_two_stage_payment_waits_for_capture_or_cancel(sim, receiver):
    captured, canceled = create(sim, capture=False), create(sim, capture=False)
    for payment in (captured, canceled):
        pay(payment, "5555555555554477")
        held = api(sim, "GET", f"/payments/{payment['id']}").json()
        assert (held["status"], held["paid"]) == ("waiting_for_capture", True) and "expires_at" in held

    done = api(sim, "POST", f"/payments/{captured['id']}/capture", {"amount": {"value": "1000.00",
                                                                              "currency": "RUB"}}).json()
    assert (done["status"], done["amount"]["value"]) == ("succeeded", "1000.00")
    assert [n["event"] for n in receiver.of(captured["id"], 2)] == ["payment.waiting_for_capture",
                                                                    "payment.succeeded"]
    gone = api(sim, "POST", f"/payments/{canceled['id']}/cancel").json()
    assert gone["cancellation_details"] == {"party": "merchant", "reason": "canceled_by_merchant"}
    late = api(sim, "POST", f"/payments/{canceled['id']}/capture")
    assert (late.status_code, late.json()["code"]) == (400, "invalid_request")


def test_the_same_key_and_body_give_the_same_answer_another_body_is_refused(sim):
    key = str(uuid.uuid4())
    first = api(sim, "POST", "/payments", payment_body(), key=key).json()
    again = api(sim, "POST", "/payments", payment_body(), key=key).json()
    assert again == first
    other = api(sim, "POST", "/payments", payment_body("100.00"), key=key)
    assert other.status_code == 400
    assert other.json() | {"id": "-"} == {"type": "error", "id": "-", "code": "invalid_request",
                                          "parameter": "Idempotence-Key", "description": other.json()["description"]}
    missing = requests.post(f"{sim}/v3/payments", json=payment_body(), auth=(SHOP_ID, SECRET_KEY), timeout=10)
    assert (missing.status_code, missing.json()["parameter"]) == (400, "Idempotence-Key")
    # an error is remembered under its key too
    bad = payment_body(amount={"value": "1", "currency": "USD"})
    assert api(sim, "POST", "/payments", bad, key="k-err").json() == api(sim, "POST", "/payments", bad,
                                                                          key="k-err").json()


@pytest.mark.parametrize(("change", "parameter"), [
    ({"amount": {"value": "10.00", "currency": "USD"}}, "amount.currency"),
    ({"amount": {"value": "-5", "currency": "RUB"}}, "amount.value"),
    ({"amount": {"value": "1.234", "currency": "RUB"}}, "amount.value"),
    ({"amount": None}, "amount"),
    ({"confirmation": {"type": "embedded"}}, "confirmation.type"),
    ({"confirmation": {"type": "redirect"}}, "confirmation.return_url"),
    ({"receipt": None}, "receipt"),
    ({"receipt": receipt("1000.00")}, "receipt.items"),  # items do not add up to the amount
    ({"receipt": {**receipt(), "customer": {}}}, "receipt.customer"),
    ({"receipt": {**receipt(), "customer": {"phone": "+79115550101"}}}, "receipt.customer.phone"),
    ({"receipt": {"customer": {"email": "a@b.test"}, "items": [{**receipt()["items"][0], "vat_code": 0}]}},
     "receipt.items[0].vat_code"),
    ({"receipt": {"customer": {"email": "a@b.test"}, "items": [{**receipt()["items"][0], "payment_subject": "x"}]}},
     "receipt.items[0].payment_subject"),
    ({"receipt": {"customer": {"email": "a@b.test"}, "items": [{**receipt()["items"][0], "payment_mode": "x"}]}},
     "receipt.items[0].payment_mode"),
    ({"description": "х" * 129}, "description"),
    ({"payment_method_id": "no-such-card"}, "payment_method_id"),
])
def test_a_malformed_payment_is_answered_in_yookassas_error_format(sim, change, parameter):
    answer = api(sim, "POST", "/payments", payment_body() | change)
    assert answer.status_code == 400, answer.text
    error = answer.json()
    assert (error["type"], error["code"], error["parameter"]) == ("error", "invalid_request", parameter)
    assert error["id"] and error["description"]


def test_credentials_and_unknown_objects(sim):
    wrong = api(sim, "GET", "/payments/x", auth=(SHOP_ID, "test_wrong"))
    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_credentials")
    assert requests.get(f"{sim}/v3/payments/x", timeout=10).status_code == 401
    missing = api(sim, "GET", "/payments/2f1a3b4c-000f-5000-9000-1c2d3e4f5a6b")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_refunds_partial_then_full_never_more_than_paid(sim, receiver):
    payment = create(sim)
    pay(payment, "5555555555554477")
    refund = {"payment_id": payment["id"], "amount": {"value": "500.00", "currency": "RUB"},
              "receipt": receipt("500.00")}
    first = api(sim, "POST", "/refunds", refund).json()
    assert (first["status"], first["amount"]["value"], first["payment_id"]) == ("succeeded", "500.00", payment["id"])
    assert api(sim, "GET", f"/refunds/{first['id']}").json() == first
    too_much = api(sim, "POST", "/refunds", refund | {"amount": {"value": "1000.01", "currency": "RUB"},
                                                      "receipt": receipt("1000.01")})
    assert (too_much.status_code, too_much.json()["parameter"]) == (400, "amount.value")
    rest = api(sim, "POST", "/refunds", refund | {"amount": {"value": "1000.00", "currency": "RUB"},
                                                  "receipt": receipt("1000.00")})
    assert rest.status_code == 200
    now = api(sim, "GET", f"/payments/{payment['id']}").json()
    assert (now["refunded_amount"]["value"], now["refundable"]) == ("1500.00", False)
    assert [n["event"] for n in receiver.of(first["id"])] == ["refund.succeeded"]
    assert [r["type"] for r in api(sim, "GET", f"/receipts?payment_id={payment['id']}").json()["items"]] == [
        "payment", "refund", "refund"]

    unpaid = create(sim)
    nope = api(sim, "POST", "/refunds", refund | {"payment_id": unpaid["id"]})
    assert (nope.status_code, nope.json()["code"]) == (400, "invalid_request")


def test_a_saved_card_is_charged_without_the_customer(sim, receiver):
    first = create(sim, save_payment_method=True)
    pay(first, "5555555555554477")
    method = api(sim, "GET", f"/payments/{first['id']}").json()["payment_method"]
    assert method["saved"] is True and method["card"]["last4"] == "4477"
    assert api(sim, "GET", f"/payment_methods/{method['id']}").json()["status"] == "active"

    autopay = {k: v for k, v in payment_body().items() if k != "confirmation"} | {"payment_method_id": method["id"]}
    charged = api(sim, "POST", "/payments", autopay).json()
    assert (charged["status"], charged["payment_method"]["id"]) == ("succeeded", method["id"])
    assert "confirmation" not in charged
    assert receiver.of(charged["id"])[0]["event"] == "payment.succeeded"

    requests.post(f"{sim}/_sim/payment_methods/{method['id']}/decline", json={"reason": "card_expired"}, timeout=10)
    declined = api(sim, "POST", "/payments", autopay).json()
    assert declined["cancellation_details"] == {"party": "payment_network", "reason": "card_expired"}


def test_notifications_are_retried_until_200_and_can_be_replayed_out_of_order(sim, receiver):
    deadline = time.monotonic() + 5  # the earlier tests' notifications are out of the way first
    while any(not n["attempts"] for n in requests.get(f"{sim}/_sim/notifications", timeout=10).json()["items"]):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    receiver.answers = [500, 503]
    payment = create(sim, capture=False)
    pay(payment, "5555555555554477")
    tries = receiver.of(payment["id"], 3)
    assert [(n["event"], n["status"]) for n in tries] == [("payment.waiting_for_capture", s) for s in (500, 503, 200)]
    api(sim, "POST", f"/payments/{payment['id']}/capture")
    receiver.of(payment["id"], 4)
    held, succeeded = [n for n in requests.get(f"{sim}/_sim/notifications", timeout=10).json()["items"]
                       if n["object_id"] == payment["id"]]
    assert [a["status"] for a in held["attempts"]] == [500, 503, 200] and held["delivered"]
    assert (succeeded["event"], [a["status"] for a in succeeded["attempts"]]) == ("payment.succeeded", [200])

    before = len(receiver.of(payment["id"]))
    replay = requests.post(f"{sim}/_sim/notifications/replay", json={"ids": [succeeded["id"], held["id"]],
                                                                      "times": 2}, timeout=10).json()
    assert [s["status"] for s in replay["sent"]] == [200] * 4
    events = [(n["event"], n["object"]["status"]) for n in receiver.of(payment["id"])[before:]]
    assert events == [("payment.succeeded", "succeeded"), ("payment.waiting_for_capture", "waiting_for_capture")] * 2


def test_during_a_technical_break_the_api_answers_500_and_the_same_key_works_after(sim):
    key = str(uuid.uuid4())
    assert requests.post(f"{sim}/_sim/break", json={"seconds": 60}, timeout=10).json()["in_break"] is True
    try:
        down = api(sim, "POST", "/payments", payment_body(), key=key)
        assert (down.status_code, down.json()["type"], down.json()["code"]) == (500, "error", "internal_server_error")
        assert int(down.headers["Retry-After"]) > 0 and down.json()["retry_after"] > 0
        assert requests.get(f"{sim}/checkout/payments/v2/contract?orderId=x", timeout=10).status_code == 503
    finally:
        requests.delete(f"{sim}/_sim/break", timeout=10)
    assert api(sim, "POST", "/payments", payment_body(), key=key).json()["status"] == "pending"


def test_a_break_window_is_given_as_an_interval():
    start, until = break_window("2026-12-03T20:00:00+03:00/2026-12-03T21:00:00+03:00")
    assert (until - start).total_seconds() == 3600
    with pytest.raises(ValueError):
        break_window({"from": "2026-12-03T21:00", "until": "2026-12-03T20:00"})


def test_the_process_starts_and_answers_health():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "simulators.yookassa", "--port", str(port)], cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                assert requests.get(f"http://127.0.0.1:{port}/_sim/health", timeout=1).text == "ok\n"
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_dev_stack_runs_it_and_gives_payments_its_url_and_credentials(tmp_path):
    from devstack.ports import scattered
    from devstack.stack import YOOKASSA_SIM_SECRET_KEY, YOOKASSA_SIM_SHOP_ID, Stack

    stack = Stack(tmp_path, "test")
    stack.ports = scattered()
    argv = stack.simulators["yookassa-sim"]
    assert argv[:2] == ["-m", "simulators.yookassa"] and str(stack.ports["yookassa_sim"]) in argv
    notify_url = argv[argv.index("--notification-url") + 1]
    assert notify_url == f"http://127.0.0.1:{stack.ports['gateway']}/partners/v1/providers/yookassa/notifications"
    assert stack._acquiring_env() == {
        "KABINET_PUBLIC_URL": f"http://127.0.0.1:{stack.ports['gateway']}",
        "KABINET_YOOKASSA_URL": f"http://127.0.0.1:{stack.ports['yookassa_sim']}/v3",
        "KABINET_YOOKASSA_SHOP_ID": YOOKASSA_SIM_SHOP_ID, "KABINET_YOOKASSA_SECRET_KEY": YOOKASSA_SIM_SECRET_KEY}
    assert (YOOKASSA_SIM_SHOP_ID, YOOKASSA_SIM_SECRET_KEY) == (SHOP_ID, SECRET_KEY)  # the simulator's defaults
