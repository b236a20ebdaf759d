"""Customer care through the gateway: news for households and legal entities (and withdrawn), an outage notice
on the public status route until ended, «Отправить сообщение» with an attachment to staff's queue and the reply
back to the customer (inbox and e-mail), and the form without signing in behind a captcha and a rate limit."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.care_helpers import bind, by_email, supplier_with_accounts
from tests.e2e.client import Customer, eventually, staff_member

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def news_ids(me: Customer, **params) -> set[str]:
    return {n["news_id"] for n in me.ok("GET", "/api/v1/news", params={"page_size": 100, **params})["items"]}


def test_news_reach_their_audience_and_go_when_withdrawn(stack):
    admin = staff_member(stack)
    supplier, [(home_number, home_meter), (firm_number, firm_meter)] = supplier_with_accounts(
        admin, ("urban_gas_stove", "legal"))
    household = Customer(stack.gateway_url).register().login()
    bind(household, home_number, home_meter)
    firm = Customer(stack.gateway_url).register().login()
    bind(firm, firm_number, firm_meter)
    made = {}
    for audience in ("households", "legal", "all"):
        draft = admin.ok("POST", "/staff/v1/news", 201, json={
            "supplier_id": supplier["supplier_id"], "audience": audience, "title": f"Новость: {audience}",
            "body": "Плановые работы 10 декабря.\n\nПодробнее: https://example.ru/works"})
        assert draft["status"] == "draft"
        made[audience] = admin.ok("POST", f"/staff/v1/news/{draft['news_id']}/publish")
    assert made["all"]["paragraphs"] == ["Плановые работы 10 декабря.", "Подробнее: https://example.ru/works"]
    ids = {a: n["news_id"] for a, n in made.items()}

    eventually(lambda: {ids["households"], ids["all"]} <= news_ids(household), what="the household's news")
    assert ids["legal"] not in news_ids(household)
    assert household.call("GET", f"/api/v1/news/{ids['legal']}").status_code == 404
    eventually(lambda: {ids["legal"], ids["all"]} <= news_ids(firm), what="the legal entity's news")
    assert ids["households"] not in news_ids(firm)
    anonymous = Customer(stack.gateway_url)
    assert ids["all"] in news_ids(anonymous, supplier_id=supplier["supplier_id"])
    assert ids["households"] not in news_ids(anonymous, supplier_id=supplier["supplier_id"])

    admin.ok("POST", f"/staff/v1/news/{ids['households']}/withdraw")
    assert ids["households"] not in news_ids(household)
    assert household.call("GET", f"/api/v1/news/{ids['households']}").json()["code"] == "news_not_found"
    assert admin.call("POST", f"/staff/v1/news/{ids['households']}/publish").status_code == 409
    assert household.call("POST", "/staff/v1/news", json={"title": "x", "body": "y"}).status_code == 401


def test_an_outage_notice_is_on_the_status_until_ended(stack):
    admin = staff_member(stack)
    text = f"Плановые работы {uuid.uuid4().hex[:6]}: оплата картой недоступна до 03:00."
    notice = admin.ok("POST", "/staff/v1/notices", 201, json={"text": text, "severity": "warning"})
    assert notice["in_force"] and notice["ends_at"] is None

    def shown():
        reply = Customer(stack.gateway_url).call("GET", "/api/v1/status")
        assert reply.status_code == 200 and reply.headers["Cache-Control"] == "public, max-age=15"
        return {n["notice_id"] for n in reply.json()["notices"]}

    eventually(lambda: notice["notice_id"] in shown(), what="the notice on the status")
    ended = admin.ok("POST", f"/staff/v1/notices/{notice['notice_id']}/end")
    assert not ended["in_force"]
    eventually(lambda: notice["notice_id"] not in shown(), what="the notice gone")
    assert admin.call("POST", f"/staff/v1/notices/{notice['notice_id']}/end").json()["code"] == "notice_over"


def test_a_message_with_an_attachment_is_answered_in_the_inbox_and_by_email(stack):
    admin = staff_member(stack)
    operator = staff_member(stack, "operator")
    _supplier, [(number, meter)] = supplier_with_accounts(admin, ("urban_gas_stove",))
    me, email = by_email(stack)
    account = bind(me, number, meter)

    def send():
        return me.call("POST", "/api/v1/feedback", data={
            "topic": "readings", "text": "Счётчик заменили, прикладываю акт.", "account_id": account["account_id"]},
            files=[("files", ("акт замены.pdf", PDF, "image/png"))], headers={"Idempotency-Key": key})

    key = uuid.uuid4().hex
    sent = eventually(lambda: (r := send()).status_code == 201 and r.json(), interval=1.0,
                      what="the account in notify's projection")
    assert [a["content_type"] for a in sent["attachments"]] == ["application/pdf"]  # by content, not as sent
    assert send().json()["feedback_id"] == sent["feedback_id"]  # a retry with the key: the first message
    bad = me.call("POST", "/api/v1/feedback", data={"topic": "question", "text": "Вот"},
                  files=[("files", ("photo.png", b"MZ\x90\x00 not an image", "image/png"))])
    assert bad.status_code == 422 and "files[0]" in bad.json()["errors"]

    queue = operator.ok("GET", "/staff/v1/feedback", params={"status": "new", "topic": "readings",
                                                             "page_size": 100})
    assert sent["feedback_id"] in {f["feedback_id"] for f in queue["items"]}
    download = operator.call("GET", f"/staff/v1/feedback/{sent['feedback_id']}/attachments/1")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    operator.ok("POST", f"/staff/v1/feedback/{sent['feedback_id']}/status", json={"status": "in_progress"})
    reply = "Акт получен, показания по новому счётчику принимаются."
    answered = operator.ok("POST", f"/staff/v1/feedback/{sent['feedback_id']}/reply", json={"text": reply})
    assert answered["status"] == "answered"

    mine = me.ok("GET", f"/api/v1/feedback/{sent['feedback_id']}")
    assert [r["text"] for r in mine["replies"]] == [reply]
    assert Customer(stack.gateway_url).register().login().call(
        "GET", f"/api/v1/feedback/{sent['feedback_id']}").status_code == 404
    eventually(lambda: any(reply in n["body"] for n in me.ok("GET", "/api/v1/notifications")["notifications"]),
               what="the reply in the inbox")
    eventually(lambda: any(reply in m["body"] for m in me.ok("GET", "/dev/outbox", params={"to": email})["messages"]),
               timeout=60, what="the reply by e-mail")


def test_a_message_without_signing_in_needs_a_captcha_and_is_rate_limited(stack):
    visitor = Customer(stack.gateway_url)
    message = {"name": "Анна Петрова", "email": "anna@example.ru", "address": "Санкт-Петербург, Невский, 1",
               "topic": "suggestion", "text": "Добавьте тёмную тему."}
    sent = visitor.ok("POST", "/api/v1/public/feedback", 201, json={**message, **visitor.captcha()})
    assert not sent["signed_in"] and sent["status"] == "new"
    no_contacts = visitor.call("POST", "/api/v1/public/feedback", json={
        **message, "email": "", **visitor.captcha()})
    assert no_contacts.json()["code"] == "invalid_contacts"
    refused = [visitor.call("POST", "/api/v1/public/feedback", json=message) for _ in range(4)]
    assert {r.json()["code"] for r in refused[:3]} == {"captcha_required"}
    assert refused[-1].status_code == 429 and "Retry-After" in refused[-1].headers
