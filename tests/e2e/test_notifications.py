"""Notifications through the gateway: a reading makes an inbox message (the bell counts it, it is marked read, nobody
else can); preferences are a category × channel matrix whose critical channels cannot be switched off; the one-click
unsubscribe link of a real e-mail (through the dispatcher and the SMTP simulator) works once and only for its
category."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from tests.e2e.care_helpers import by_email
from tests.e2e.client import Customer, eventually, staff_member
from tests.e2e.readings_accounts import bound, own_accounts

pytestmark = pytest.mark.e2e
UNSUBSCRIBE = re.compile(r"https?://\S+/unsubscribe\?token=[\w.%=-]+")  # the letter's link: the cabinet's page


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


def inbox(me: Customer, **params) -> dict:
    return me.ok("GET", "/api/v1/notifications", params=params)


def submit_reading(me: Customer, account: dict) -> None:
    me.submit(account["account_id"], account["meters"][0]["meter_id"], {"total": "150"})


def test_a_reading_rings_the_bell_and_is_read_by_its_customer_only(stack, admin):
    _, made = own_accounts(admin, 1)
    me, (account,) = bound(stack, made)
    stranger = Customer(stack.gateway_url).register().login()
    submit_reading(me, account)
    def both(page: dict) -> dict | None:
        titles = {n["title"] for n in page["notifications"]}
        told = "Показания приняты" in titles and any(t.startswith("Предварительное начисление") for t in titles)
        return page if told else None

    page = eventually(lambda: both(inbox(me)), what="the reading's and the charge's messages")
    total = len(page["notifications"])  # and the sign-in's, when auth tells a first sign-in as a new device
    assert page["unread_count"] == total == me.ok("GET", "/api/v1/notifications/unread-count")["unread_count"]

    first = inbox(me, limit=1)
    assert len(first["notifications"]) == 1 and first["next_cursor"]
    rest = inbox(me, limit=total, cursor=first["next_cursor"])
    assert first["notifications"][0]["id"] not in {n["id"] for n in rest["notifications"]}
    assert len(rest["notifications"]) == total - 1 and rest["next_cursor"] is None

    mine = first["notifications"][0]["id"]
    missing = stranger.call("POST", f"/api/v1/notifications/{mine}/read")
    unknown = stranger.call("POST", f"/api/v1/notifications/{uuid.uuid4()}/read")
    assert missing.status_code == unknown.status_code == 404 and missing.json()["code"] == unknown.json()["code"]
    assert me.ok("POST", f"/api/v1/notifications/{mine}/read") == {"unread_count": total - 1}
    assert [n["read"] for n in inbox(me)["notifications"] if n["id"] == mine] == [True]
    assert me.ok("POST", "/api/v1/notifications/read-all") == {"marked": total - 1, "unread_count": 0}
    assert inbox(me, unread="true")["notifications"] == []


def test_preferences_are_a_matrix_whose_critical_channels_are_locked(stack):
    me = Customer(stack.gateway_url).register().login()
    matrix = me.ok("GET", "/api/v1/me/notification-preferences")["categories"]
    cells = {(c["category"], s["channel"]): s for c in matrix for s in c["channels"]}
    assert cells[("news", "email")]["enabled"] is False and cells[("security", "email")]["locked"] is True
    assert next(c["title"] for c in matrix if c["category"] == "reminders") == "Напоминания о показаниях"

    changed = me.ok("PUT", "/api/v1/me/notification-preferences", json={"preferences": [
        {"category": "news", "channel": "email", "enabled": True},
        {"category": "reminders", "channel": "sms", "enabled": False}]})["categories"]
    cells = {(c["category"], s["channel"]): s["enabled"] for c in changed for s in c["channels"]}
    assert cells[("news", "email")] is True and cells[("reminders", "sms")] is False

    locked = me.call("PUT", "/api/v1/me/notification-preferences", json={"preferences": [
        {"category": "debt", "channel": "email", "enabled": False}]})
    assert locked.status_code == 409 and locked.json()["code"] == "notification_locked"
    assert "нельзя отключить" in locked.json()["detail"]
    unknown = me.call("PUT", "/api/v1/me/notification-preferences", json={"preferences": [
        {"category": "codes", "channel": "sms", "enabled": False}]})
    assert unknown.status_code == 422


def test_the_unsubscribe_link_of_a_real_email_works_once_and_only_for_its_category(stack, admin):
    _, made = own_accounts(admin, 1)
    me, email = by_email(stack)
    (account,) = [me.ok("POST", "/api/v1/accounts", 201, json={"number": n, "proof": {"meter_number": m}})
                  for n, m in made]
    submit_reading(me, account)

    def link():
        for m in me.ok("GET", "/dev/outbox", params={"to": email})["messages"]:
            found = UNSUBSCRIBE.search(m["body"])
            if found and m["subject"].startswith("Показания приняты"):
                return found.group()
        return None

    page = eventually(link, timeout=60, what="the e-mail «Показания приняты» with its unsubscribe link")
    assert requests.get(page, timeout=15).headers["Content-Type"].startswith("text/html")
    url = page.replace("/unsubscribe?", "/api/v1/notifications/unsubscribe?")  # List-Unsubscribe's, same token
    mail_client = requests.Session()  # the mailbox provider: no session, no CSRF token
    described = mail_client.get(url, timeout=15)
    assert described.status_code == 200 and described.json()["category"] == "readings"
    assert described.json()["enabled"] is True and described.json()["used"] is False

    done = mail_client.post(url, data={"List-Unsubscribe": "One-Click"}, timeout=15)
    assert done.status_code == 200, done.text
    assert (done.json()["category_title"], done.json()["enabled"]) == ("Показания", False)
    again = mail_client.post(url, data={"List-Unsubscribe": "One-Click"}, timeout=15)
    assert again.status_code == 409 and again.json()["code"] == "unsubscribe_used"
    forged = mail_client.post(url.replace("token=", "token=x"), data={"List-Unsubscribe": "One-Click"}, timeout=15)
    assert forged.status_code == 422 and forged.json()["code"] == "unsubscribe_invalid"

    cells = {(c["category"], s["channel"]): s["enabled"]
             for c in me.ok("GET", "/api/v1/me/notification-preferences")["categories"] for s in c["channels"]}
    assert cells[("readings", "email")] is False
    assert cells[("reminders", "email")] is True and cells[("payments", "email")] is True
