"""The notify event worker's subscriptions: one durable consumer per source stream."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from kit.consumer import Subscription
from kit.events import Event, field_decimal, field_uuid
from services.notify.service_layer import delivery, inbox


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

    # Room above the delivery attempts, so that the kit's dead-lettering after max_deliver is only
    # a safety net and a delivery that keeps failing ends as `failed` in deliveries.
    max_deliver = (retries.max_attempts if retries else 1) + 2
    return [
        Subscription(durable="notify-auth", handlers={"auth.code.requested": on_code_requested},
                     max_deliver=max(max_deliver, 10)),
        Subscription(durable="notify-readings", handlers={"readings.reading.accepted": on_reading_accepted}),
        Subscription(durable="notify-payments", handlers={"payments.charge.posted": on_charge_posted}),
        Subscription(durable="notify-accounts",
                     handlers={"accounts.contract.confirmation_requested": on_contract_confirmation},
                     max_deliver=max(max_deliver, 10)),
    ]


def on_reading_accepted(event: Event, uow) -> None:
    p = event.payload
    inbox.notify_reading_accepted(
        uow, event_id=event.id, user_id=_user(p.submitted_by), account_id=field_uuid(p.account_id, "account_id"),
        values={v.zone: field_decimal(v.value, v.zone) for v in p.values},
        consumption={v.zone: field_decimal(v.value, v.zone) for v in p.consumption},
        occurred_at=event.occurred_at)


def on_charge_posted(event: Event, uow) -> None:
    p = event.payload
    inbox.notify_charge_posted(
        uow, event_id=event.id, user_id=_user(p.user_id), account_id=field_uuid(p.account_id, "account_id"),
        kind=p.kind, amount_kop=p.amount_kop, balance_kop=p.balance_kop, balance_state=p.balance_state,
        occurred_at=event.occurred_at)


def _user(value: str) -> str:
    return field_uuid(value, "user_id") if value else ""


