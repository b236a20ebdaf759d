"""The notify event worker's subscriptions: a durable consumer per source stream and purpose."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from urllib.parse import urlencode

from kit.consumer import Subscription
from kit.errors import InvalidInput
from kit.events import Event, field_decimal, field_uuid
from services.notify.domain.model import CHANNELS
from services.notify.entrypoints.reading_reviews import on_reading_rejected
from services.notify.entrypoints.sms_replies import sms_reply_handler
from services.notify.service_layer import autopay, delivery, inbox, invoices


def subscriptions(senders: Mapping[str, delivery.Sender], retries: delivery.Retries | None = None, *,
                  public_url: str = "http://127.0.0.1:8080") -> list[Subscription]:
    """`retries`: how failed deliveries are retried (None: a failure is final at once);
    `public_url`: where the cabinet is, for links in e-mails."""

    def on_code_requested(event: Event, uow) -> None:
        p = event.payload
        delivery.send_code(uow, senders, event_id=event.id, channel=p.channel, destination=p.destination,
                           purpose=p.purpose, code=p.code, ttl_seconds=p.ttl_seconds, link=p.link,
                           retries=retries)

    def on_contract_confirmation(event: Event, uow) -> None:
        p = event.payload
        link = f"{public_url.rstrip('/')}/contracts/confirm?{urlencode({'token': p.token})}"
        delivery.send_contract_confirmation(uow, senders, event_id=event.id, email=p.email,
                                            contract_number=p.contract_number, link=link, retries=retries)

    def on_invoice_issued(event: Event, uow) -> None:
        p = event.payload
        invoice_id = field_uuid(p.invoice_id, "invoice_id")
        invoices.notify_invoice_issued(
            uow, senders, event_id=event.id, user_ids=[field_uuid(u, "user_ids") for u in p.user_ids],
            account_id=field_uuid(p.account_id, "account_id"), account_number=p.account_number,
            bill_delivery=p.bill_delivery, period=_month(p.period), number=p.number, amount_due_kop=p.amount_due_kop,
            due_on=_day(p.due_on), link=f"{public_url.rstrip('/')}/api/v1/invoices/{invoice_id}.pdf",
            occurred_at=event.occurred_at, retries=retries)

    def on_autopay_confirmation(event: Event, uow) -> None:
        p = event.payload
        link = f"{public_url.rstrip('/')}/autopay/confirm?{urlencode({'token': p.token})}"
        autopay.send_autopay_confirmation(
            uow, senders, event_id=event.id, email=p.email, account_number=p.account_number,
            card_title=p.card_title, day=p.settings.day, mode=p.settings.mode, amount_kop=p.settings.amount_kop,
            cap_kop=p.settings.cap_kop, link=link, retries=retries)

    def on_autopay_failed(event: Event, uow) -> None:
        p = event.payload
        autopay.send_autopay_failed(uow, senders, event_id=event.id, email=p.email, account_number=p.account_number,
                                    period=_month(p.period), amount_kop=p.amount_kop,
                                    reason_text=p.reason_message, retries=retries)

    # Room above the delivery attempts, so that the kit's dead-lettering after max_deliver is only
    # a safety net and a delivery that keeps failing ends as `failed` in deliveries.
    max_deliver = (retries.max_attempts if retries else 1) + 2
    return [
        Subscription(durable="notify-auth", handlers={"auth.code.requested": on_code_requested},
                     max_deliver=max(max_deliver, 10)),
        # inbox messages only (writes in the unit of work): a fetch's messages share one transaction
        Subscription(durable="notify-readings", handlers={"readings.reading.accepted": on_reading_accepted,
                                                          "readings.reading.corrected": on_reading_corrected,
                                                          "readings.reading.rejected": on_reading_rejected},
                     shared_transaction=True),
        Subscription(durable="notify-payments", handlers={"payments.charge.posted": on_charge_posted},
                     shared_transaction=True),
        Subscription(durable="notify-accounts",
                     handlers={"accounts.contract.confirmation_requested": on_contract_confirmation},
                     max_deliver=max(max_deliver, 10)),
        # durables of their own: a new one reads its stream from the start (contacts verified before it existed)
        Subscription(durable="notify-contacts", handlers={"auth.contact.verified": on_contact_verified}),
        Subscription(durable="notify-invoices", handlers={"payments.invoice.issued": on_invoice_issued},
                     max_deliver=max(max_deliver, 10)),
        Subscription(durable="notify-sms-replies", handlers={"readings.sms.answered": sms_reply_handler(senders, retries)},
                     max_deliver=max(max_deliver, 10)),
        Subscription(durable="notify-autopay",
                     handlers={"payments.autopay.confirmation_requested": on_autopay_confirmation,
                               "payments.autopay.failed": on_autopay_failed},
                     max_deliver=max(max_deliver, 10)),
    ]


def on_reading_accepted(event: Event, uow) -> None:
    p = event.payload
    inbox.notify_reading_accepted(
        uow, event_id=event.id, user_id=_user(p.submitted_by), account_id=field_uuid(p.account_id, "account_id"),
        values={v.zone: field_decimal(v.value, v.zone) for v in p.values},
        consumption={v.zone: field_decimal(v.value, v.zone) for v in p.consumption},
        occurred_at=event.occurred_at)


def on_reading_corrected(event: Event, uow) -> None:
    p = event.payload
    inbox.notify_reading_corrected(
        uow, event_id=event.id, user_id=_user(p.customer_id), account_id=field_uuid(p.reading.account_id, "account_id"),
        values={v.zone: field_decimal(v.value, v.zone) for v in p.reading.values},
        consumption={v.zone: field_decimal(v.value, v.zone) for v in p.reading.consumption},
        reason=p.reason, occurred_at=event.occurred_at)


def on_charge_posted(event: Event, uow) -> None:
    p = event.payload
    inbox.notify_charge_posted(
        uow, event_id=event.id, user_id=_user(p.user_id), account_id=field_uuid(p.account_id, "account_id"),
        kind=p.kind, amount_kop=p.amount_kop, balance_kop=p.balance_kop, balance_state=p.balance_state,
        occurred_at=event.occurred_at)


def on_contact_verified(event: Event, uow) -> None:
    p = event.payload
    if p.channel not in CHANNELS or not p.destination.strip():
        raise InvalidInput(f"contact: channel {p.channel!r} without a destination", code="malformed_event")
    invoices.project_contact(uow, user_id=field_uuid(p.user_id, "user_id"), channel=p.channel,
                             destination=p.destination.strip(), as_of=event.occurred_at)


def _month(value: str) -> dt.date:
    """"2026-11" of an event -> 2026-11-01; anything else makes the event poison."""
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise InvalidInput(f"period: not YYYY-MM: {value!r}", code="malformed_event") from None


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput(f"due_on: not YYYY-MM-DD: {value!r}", code="malformed_event") from None


def _user(value: str) -> str:
    return field_uuid(value, "user_id") if value else ""


