"""payments.invoice.issued through notify's consumers, against real PostgreSQL and NATS JetStream: the verified
e-mail projected from auth.contact.verified, then the invoice into the inbox and, once, into the mailbox."""

from __future__ import annotations

import uuid

import pytest
from kabinet.auth.v1 import auth_pb2
from kabinet.notify.v1 import notify_pb2
from kabinet.payments.v1 import payments_pb2

from kit.events import Event
from kit.outbox import dead_letters, processed_events
from services.notify.adapters.orm import contacts, deliveries, inbox
from services.notify.entrypoints.api import NotifyServicer
from services.notify.tests.integration.test_notify import (
    ACCOUNT,
    USER,
    as_user,
    consume,
    count,
    rt,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.integration

EMAIL = "ivanov.invoices@example.ru"


def contact_verified(destination=EMAIL) -> Event:
    return Event(type="auth.contact.verified", aggregate_id=USER, payload=auth_pb2.ContactVerified(
        user_id=USER, channel="email", destination=destination))


def invoice_issued(bill_delivery="email", user_ids=(USER,)) -> Event:
    return Event(type="payments.invoice.issued", aggregate_id=ACCOUNT, payload=payments_pb2.InvoiceIssued(
        invoice_id=str(uuid.uuid4()), account_id=ACCOUNT, supplier_id=str(uuid.uuid4()), period="2026-11",
        number=7, amount_due_kop=107692, due_on="2026-12-10", account_number="12-10000001",
        bill_delivery=bill_delivery, user_ids=list(user_ids)))


def test_an_issued_invoice_reaches_the_inbox_and_the_verified_email_once(rt, nats_url):  # noqa: F811
    consume(rt, nats_url, [(contact_verified(), "c1")], lambda: count(rt, contacts) == 1)
    event = invoice_issued()
    paper = invoice_issued(bill_delivery="paper")
    published = [(event, "i1"), (event, "i2"), (paper, "i3"), (invoice_issued(user_ids=("not-a-uuid",)), "i4")]
    consume(rt, nats_url, published, lambda: count(rt, processed_events) >= 3 and count(rt, dead_letters) >= 1)

    assert count(rt, dead_letters) == 1  # the malformed fact, not a retry loop
    assert count(rt, inbox) == 2  # one per invoice for the one customer
    assert count(rt, deliveries, deliveries.c.status == "sent", deliveries.c.purpose == "invoice") == 1
    api = NotifyServicer(rt.uow, dev_outbox=True)
    [mail] = api.ListDevOutbox(notify_pb2.ListDevOutboxRequest(destination=EMAIL), None).messages
    assert mail.subject == "Квитанция за ноябрь 2026 г. по лицевому счёту 12-10000001"
    link = f"http://127.0.0.1:8080/api/v1/invoices/{event.payload.invoice_id}.pdf"
    assert f"Квитанция в PDF с QR-кодом для оплаты: {link}" in mail.body
    titles = [m.title for m in as_user(api.ListInbox, notify_pb2.ListInboxRequest(), None).messages]
    assert titles == ["Квитанция за ноябрь 2026 г."] * 2
