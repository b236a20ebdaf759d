"""Deliveries end to end: a readings reminder SMS planned at night in the customer's time zone is held in the
queue until the morning (staff see it queued, not before 09:00 there) and sent when the test clock reaches the
morning; the SMS simulator reports each SMS it took to the gateway like SMSC's status handler, and staff see the
reports — delivered, or undeliverable with the provider's reason — in the deliveries view."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest
import requests

from tests.e2e.client import Customer, eventually, staff_member
from tests.e2e.partner import new_partner
from tests.e2e.readings_accounts import bound, own_accounts

pytestmark = pytest.mark.e2e
REMINDER = "Передайте показания"


def night_zone(now: dt.datetime) -> tuple[str, int]:
    """An Etc/GMT zone where it is about 02:00 now, and its offset from UTC in hours (POSIX signs: Etc/GMT-5 is
    UTC+5)."""
    offset = (2 - now.hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}", offset


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


@pytest.fixture(scope="module")
def sim(stack, admin):
    """The SMS simulator, told the key of a sms_gateway partner of the test's own: its status reports reach the
    gateway signed (the dev stack starts it with --status-callbacks)."""
    gateway = new_partner(admin, kind="sms_gateway", name=f"SMSC {uuid.uuid4().hex[:6]}")
    base = stack.mailbox_url("sms")
    requests.post(f"{base}/_sim/config", json={"key_id": gateway.key_id, "secret": gateway.secret,
                                               "status_callbacks": True}, timeout=10).raise_for_status()
    return base


def deliveries(staff: Customer, **params) -> list[dict]:
    return staff.ok("GET", "/staff/v1/deliveries", params=params)["deliveries"]


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def received(stack, phone: str) -> list[str]:
    messages = requests.get(f"{stack.mailbox_url('sms')}/_sim/messages", params={"to": phone, "limit": 50},
                            timeout=10).json()["messages"]
    return [m["body"] for m in messages]


def test_a_reminder_sms_due_at_night_waits_for_the_morning_and_its_delivery_shows(stack, admin, sim):
    now = dt.datetime.now(dt.UTC)
    zone, offset = night_zone(now)
    supplier, made = own_accounts(admin, 1, window=(10, 20), name="АО «Ночная сбытовая»")
    admin.ok("PATCH", f"/staff/v1/suppliers/{supplier['supplier_id']}", json={"timezone": zone})
    me, [account] = bound(stack, made)
    operator = staff_member(stack, "operator")

    def planned():
        admin.ok("POST", "/staff/v1/readings/due/run", json={"as_of": "2031-03-18T12:00:00+03:00"})
        rows = deliveries(operator, destination=me.phone, kind="readings_due_closing")
        return rows[0] if rows and instant(rows[0]["not_before"]) > now + dt.timedelta(hours=1) else None

    # readings projects the account and the window, notify the binding and the zone: the staff run is repeated
    # until the reminder is planned (once per account, period and kind) and the dispatcher has held it
    held = eventually(planned, timeout=60, interval=1.0, what="the reminder planned and held")
    morning = (now + dt.timedelta(hours=offset)).replace(hour=9, minute=0, second=0, microsecond=0) \
        - dt.timedelta(hours=offset)
    if morning <= now:
        morning += dt.timedelta(days=1)
    assert (held["status"], held["channel"], held["queued"]) == ("queued", "sms", True)
    assert instant(held["not_before"]) == morning
    assert held["destination"] == f"{me.phone[:5]}***{me.phone[-4:]}" and held["sent_at"] is None
    assert not any(REMINDER in body for body in received(stack, me.phone))

    # a minute before the morning it stays (other messages of the stack may go: the pass is everyone's)
    admin.ok("POST", "/staff/v1/notifications/dispatch", json={"as_of": (morning - dt.timedelta(minutes=1)).isoformat()})
    assert deliveries(operator, destination=me.phone, kind="readings_due_closing")[0]["status"] == "queued"
    assert not any(REMINDER in body for body in received(stack, me.phone))
    admin.ok("POST", "/staff/v1/notifications/dispatch", json={"as_of": morning.isoformat()})
    [sms] = eventually(lambda: [b for b in received(stack, me.phone) if REMINDER in b] or None,
                       what="the reminder in the SMS simulator")
    assert account["number"] in sms

    report = eventually(lambda: (lambda r: r if r["status"] == "delivered" else None)(
        deliveries(operator, destination=me.phone, kind="readings_due_closing")[0]),
        what="the provider's report in the staff view")
    assert report["sent_at"] and report["reported_at"] and report["provider_id"] == report["message_id"]
    assert operator.call("POST", "/staff/v1/notifications/dispatch", json={}).status_code == 403
    assert me.call("GET", "/staff/v1/deliveries").status_code in (401, 403)


def test_a_code_the_operator_could_not_deliver_shows_undeliverable_with_the_reason(stack, admin, sim):
    someone = Customer(stack.gateway_url)
    someone.phone = f"+799902{random.randrange(10**5):05d}"  # the simulator takes it, then reports status 20
    someone.register()

    def reported():
        rows = deliveries(admin, destination=someone.phone, channel="sms")
        return rows[0] if rows and rows[0]["status"] == "undeliverable" else None

    row = eventually(reported, what="the undeliverable report")
    assert (row["kind"], row["queued"], row["not_before"]) == ("registration", False, None)
    assert row["error"] == "SMSC status 20 (cannot be delivered), error 1"
    assert [r["message_id"] for r in deliveries(admin, status="undeliverable", destination=someone.phone)] == \
        [row["message_id"]]
    assert admin.call("GET", "/staff/v1/deliveries", params={"status": "lost"}).status_code == 422
    assert admin.call("GET", "/staff/v1/deliveries", params={"cursor": "nonsense"}).status_code == 422
