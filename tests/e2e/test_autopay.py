"""Saved cards and autopay through the gateway and the YooKassa simulator: a card payment with «Сохранить карту»
saves the card; switching autopay on needs a fresh password (step-up) and the e-mail link; the scheduler (run by
staff with the test clock) charges the month once, channel autopay; a declined card is retried, then the
customer is told by e-mail. The account is of a supplier of the test's own."""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.e2e.client import PASSWORD, Customer, eventually, import_registry, new_supplier, staff_member

pytestmark = pytest.mark.e2e
MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


def own_account(admin: Customer) -> tuple[str, str]:
    """(account number, meter number) of a new supplier's account with a 1-zone meter at 6,00 ₽/kWh."""
    supplier = new_supplier(admin, name="АО «Автоплатёжная сбытовая»", due_day=10)
    code = supplier["sms_code"]
    number, meter = f"76-{random.randrange(10**8):08d}", f"{random.randrange(10**8):08d}"
    import_registry(admin, accounts=(
        "supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
        f"automatic_metering\n{code};{number};Карточкин Иван Иванович;Санкт-Петербург, ул. Карточная, д. 1, кв. 1;"
        "urban_gas_stove;40,0;1;gas;paper;0\n"),
        meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
               f"{code};{number};{meter};Меркурий 201.5;1;6;1;2030-12-31\n",
        readings=f"supplier_code;account_number;meter_number;taken_at;total\n{code};{number};{meter};2026-01-01;100\n")
    admin.ok("POST", "/staff/v1/tariffs", 201, json={"supplier_id": supplier["supplier_id"],
                                                    "category": "urban_gas_stove", "valid_from": "2020-01-01",
                                                    "prices": {"1": {"total": "6.00"}}})
    return number, meter


def customer_with_email(stack) -> tuple[Customer, str]:
    """A customer registered by e-mail (so it is confirmed), signed in with tokens."""
    me = Customer(stack.gateway_url)
    email = f"auto{random.randrange(10**9)}@example.ru"
    me.ok("POST", "/api/v1/auth/register", 202, json={"email": email, "password": PASSWORD, "terms_accepted": True})

    def link():
        for m in me.ok("GET", "/dev/outbox", params={"to": email})["messages"]:
            found = re.search(r"\?token=([\w-]+)", m["body"])
            if found:
                return found.group(1)
        return None

    me.ok("POST", "/api/v1/auth/confirm-link", json={"token": eventually(link, what="the registration link")})
    return me.login(identifier=email), email


def debt(me: Customer, account_id: str, meter_id: str, value: str) -> int:
    reading = me.submit(account_id, meter_id, {"total": value})
    eventually(lambda: me.charge_for(account_id, reading["reading_id"]), what="the charge")
    return me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["amount_due_kop"]


def notifications_on(stack) -> None:
    """The simulator notifies the gateway (the devstack may start it without a notification URL)."""
    config = requests.get(f"{stack.yookassa_sim_url}/_sim/config", timeout=15).json()
    if not config.get("notification_url"):
        url = f"{stack.gateway_url}/partners/v1/providers/yookassa/notifications"
        requests.post(f"{stack.yookassa_sim_url}/_sim/config", json={"notification_url": url}, timeout=15)


def pay_saving_card(stack, me: Customer, account_id: str, email: str) -> str:
    """1 ₽ by card with «Сохранить карту», through the simulator's payment page: the provider's payment id (the
    saved card's method id)."""
    notifications_on(stack)
    payment = me.ok("POST", "/api/v1/payments", 201, json={
        "items": [{"account_id": account_id, "energy_kop": 100}], "save_card": True, "receipt": {"email": email}})
    page = requests.post(payment["confirmation_url"], data={"card_number": "5555 5555 5555 4477", "expiry": "12/30",
                                                            "cvc": "123"}, allow_redirects=False, timeout=15)
    assert page.status_code == 302, page.text
    eventually(lambda: me.ok("GET", f"/api/v1/payments/{payment['payment_id']}")["status"] == "succeeded",
               what="the card payment succeeded")
    sim = requests.get(f"{stack.yookassa_sim_url}/_sim/payments", timeout=15).json()["items"]
    return next(p["id"] for p in sim if p.get("metadata", {}).get("payment_id") == payment["payment_id"])


def backdate_password(stack, me: Customer, email: str, minutes: int) -> None:
    """The user's password was entered `minutes` ago (auth's sessions), and the tokens say so (a refresh: the
    refresh token of a bearer client, the gateway's record of a cookie session)."""
    engine = create_engine(stack.database_url("auth"))
    with engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET authenticated_at = now() - make_interval(mins => :m) "
                          "WHERE user_id = (SELECT user_id FROM users WHERE email = :e)"), {"m": minutes, "e": email})
    engine.dispose()
    if "X-CSRF-Token" in me.http.headers:
        me.ok("POST", "/api/v1/auth/refresh")
        return
    use_tokens(me, me.ok("POST", "/api/v1/auth/refresh", json={"refresh_token": me.tokens["refresh_token"]}))


def use_tokens(me: Customer, tokens: dict) -> None:
    me.tokens = tokens
    me.http.headers["Authorization"] = f"Bearer {tokens['access_token']}"


def autopay_links(me: Customer, email: str) -> list[str]:
    messages = me.ok("GET", "/dev/outbox", params={"to": email})["messages"]
    return [unquote(m.group(1)) for m in (re.search(r"/autopay/confirm\?token=([^\s&\"'<>]+)", x["body"])
                                          for x in messages) if m]


def the_15th_ahead() -> dt.datetime:
    """12:00 in Moscow on the 15th of next month: after any autopay switched on today."""
    today = dt.datetime.now(MSK).date()
    month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=15)
    return dt.datetime.combine(month, dt.time(12), tzinfo=MSK)


def run(admin: Customer, at: dt.datetime) -> dict:
    return admin.ok("POST", "/staff/v1/autopay/run", json={"as_of": at.isoformat()})


def autopay_entries(me: Customer, account_id: str) -> list[dict]:
    entries = me.ok("GET", f"/api/v1/accounts/{account_id}/ledger", params={"page_size": 200})["entries"]
    return [e for e in entries if e["kind"] == "payment" and e.get("channel") == "autopay"]


def test_saved_card_step_up_email_link_and_the_monthly_charge(stack, admin):
    number, meter = own_account(admin)
    me, email = customer_with_email(stack)
    account = me.ok("POST", "/api/v1/accounts", 201, json={"number": number, "proof": {"meter_number": meter}})
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    assert debt(me, account_id, meter_id, "200") == 60_000

    method_id = pay_saving_card(stack, me, account_id, email)
    cards = eventually(lambda: me.ok("GET", "/api/v1/cards")["cards"], what="the saved card")
    assert [c["last4"] for c in cards] == ["4477"]
    card_id = cards[0]["card_id"]

    settings = {"card_id": card_id, "day": 15, "mode": "amount_due", "cap_kop": 1_000_000}
    backdate_password(stack, me, email, 10)
    refused = me.call("PUT", f"/api/v1/accounts/{account_id}/autopay", json=settings)
    assert (refused.status_code, refused.json()["code"]) == (403, "step_up_required")
    assert "парол" in refused.json()["detail"]

    wrong = me.call("POST", "/api/v1/auth/step-up", json={"password": "Wrong-Passw0rd-1"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "bad_credentials")
    tokens = me.ok("POST", "/api/v1/auth/step-up", json={"password": PASSWORD})
    assert tokens["session_id"] == me.tokens["session_id"]
    use_tokens(me, tokens)

    bad = me.call("PUT", f"/api/v1/accounts/{account_id}/autopay", json={**settings, "day": 31})
    assert (bad.status_code, list(bad.json()["errors"])) == (422, ["day"])
    state = me.ok("PUT", f"/api/v1/accounts/{account_id}/autopay", json=settings)
    assert state["enabled"] is False and state["pending"]["day"] == 15 and state["settings"] is None

    token = eventually(lambda: next(iter(autopay_links(me, email)), None), what="the autopay e-mail")
    anonymous = Customer(stack.gateway_url)
    confirmed = anonymous.ok("POST", "/api/v1/autopay/confirm", json={"token": token})
    assert confirmed["enabled"] is True and confirmed["settings"]["card_id"] == card_id
    assert confirmed["card"]["last4"] == "4477" and confirmed["pending"] is None
    again = anonymous.call("POST", "/api/v1/autopay/confirm", json={"token": token})
    assert (again.status_code, again.json()["code"]) == (404, "autopay_token_invalid")

    # the 15th: one charge of what is due, channel autopay; a second run books nothing
    day = the_15th_ahead()
    assert run(admin, day)["paid"] >= 1
    paid = autopay_entries(me, account_id)
    assert [(e["amount_kop"], e["bucket"]) for e in paid] == [(59_900, "energy")]
    run(admin, day + dt.timedelta(hours=1))
    assert len(autopay_entries(me, account_id)) == 1
    charges = me.ok("GET", f"/api/v1/accounts/{account_id}/autopay")["charges"]
    assert [(c["period"], c["status"], c["attempt"]) for c in charges] == [(f"{day:%Y-%m}", "paid", 1)]

    # changing only the amount of an enabled autopay takes effect at once, no e-mail, no step-up needed
    backdate_password(stack, me, email, 10)
    links = len(autopay_links(me, email))
    changed = me.ok("PUT", f"/api/v1/accounts/{account_id}/autopay",
                    json={**settings, "mode": "fixed", "amount_kop": 20_000})
    assert changed["enabled"] and changed["settings"]["amount_kop"] == 20_000 and changed["pending"] is None
    time.sleep(1)
    assert len(autopay_links(me, email)) == links

    # next month the card is declined: retried with backoff, then given up and the customer told by e-mail
    assert debt(me, account_id, meter_id, "300") > 0
    declined = requests.post(f"{stack.yookassa_sim_url}/_sim/payment_methods/{method_id}/decline",
                             json={"reason": "insufficient_funds"}, timeout=15)
    assert declined.status_code == 200, declined.text
    month = (day + dt.timedelta(days=31)).replace(day=15)
    assert run(admin, month)["retrying"] >= 1
    assert run(admin, month + dt.timedelta(hours=1))["retrying"] >= 1
    assert run(admin, month + dt.timedelta(hours=7))["failed"] >= 1
    charges = me.ok("GET", f"/api/v1/accounts/{account_id}/autopay")["charges"]
    assert (charges[0]["period"], charges[0]["status"], charges[0]["attempt"], charges[0]["reason"]) == \
        (f"{month:%Y-%m}", "failed", 3, "insufficient_funds")
    assert len(autopay_entries(me, account_id)) == 1

    def failure_mail():
        return next((m for m in me.ok("GET", "/dev/outbox", params={"to": email})["messages"]
                     if "не прошёл" in m["subject"]), None)

    mail = eventually(failure_mail, what="the autopay failure e-mail")
    assert "Недостаточно средств" in mail["body"] or "недостаточно средств" in mail["body"]

    # deleting the card switches the autopay off
    assert me.ok("DELETE", f"/api/v1/cards/{card_id}")["autopays_switched_off"] == [account_id]
    off = me.ok("GET", f"/api/v1/accounts/{account_id}/autopay")
    assert (off["enabled"], off["off_reason"]) == (False, "card_deleted")
    assert me.ok("GET", "/api/v1/cards")["cards"] == []


def test_step_up_in_a_browser_session_keeps_the_cookie_and_swaps_the_tokens(stack, admin):
    number, meter = own_account(admin)
    me, email = customer_with_email(stack)
    del me.http.headers["Authorization"]
    browser = me.ok("POST", "/api/v1/auth/login", json={"identifier": email, "password": PASSWORD,
                                                        "session": "cookie"})
    me.http.headers["X-CSRF-Token"] = browser["csrf_token"]
    cookies = dict(me.http.cookies)
    account = me.ok("POST", "/api/v1/accounts", 201, json={"number": number, "proof": {"meter_number": meter}})
    debt(me, account["account_id"], account["meters"][0]["meter_id"], "200")
    pay_saving_card(stack, me, account["account_id"], email)
    card_id = eventually(lambda: me.ok("GET", "/api/v1/cards")["cards"], what="the saved card")[0]["card_id"]
    settings = {"card_id": card_id, "day": 1, "mode": "fixed", "amount_kop": 10_000, "cap_kop": 10_000}
    path = f"/api/v1/accounts/{account['account_id']}/autopay"

    backdate_password(stack, me, email, 10)
    assert me.call("PUT", path, json=settings).json()["code"] == "step_up_required"
    stepped = me.ok("POST", "/api/v1/auth/step-up", json={"password": PASSWORD})
    assert stepped["session"] == "cookie" and stepped["csrf_token"] == browser["csrf_token"]
    assert "access_token" not in stepped or not stepped["access_token"]
    assert dict(me.http.cookies) == cookies  # the same browser session, its record holds the new tokens
    assert me.ok("PUT", path, json=settings)["pending"]["amount_kop"] == 10_000


def test_autopay_needs_a_confirmed_email_a_saved_card_of_the_caller_and_the_account(stack, admin):
    me, _ = customer_with_email(stack)
    other = Customer(stack.gateway_url).register().login()  # by phone: no e-mail
    number, meter = own_account(admin)
    account = other.ok("POST", "/api/v1/accounts", 201, json={"number": number, "proof": {"meter_number": meter}})
    no_email = other.call("PUT", f"/api/v1/accounts/{account['account_id']}/autopay", json={
        "card_id": "00000000-0000-0000-0000-000000000000", "day": 1, "mode": "amount_due", "cap_kop": 100})
    assert (no_email.status_code, no_email.json()["code"]) == (409, "email_not_confirmed")
    assert me.call("PUT", f"/api/v1/accounts/{account['account_id']}/autopay", json={
        "card_id": "00000000-0000-0000-0000-000000000000", "day": 1, "mode": "amount_due",
        "cap_kop": 100}).status_code == 404  # not the caller's account
    settings = {"card_id": "00000000-0000-0000-0000-000000000000", "day": 1, "mode": "amount_due", "cap_kop": 100}
    missing = me.call("PUT", "/api/v1/accounts/00000000-0000-0000-0000-000000000000/autopay", json=settings)
    assert missing.status_code == 404
    assert other.call("DELETE", "/api/v1/cards/00000000-0000-0000-0000-000000000000").status_code == 404
    assert me.call("GET", "/api/v1/cards").json() == {"cards": []}
    assert Customer(stack.gateway_url).call("GET", "/api/v1/cards").status_code == 401
