"""The accounts event worker's subscriptions: payments that reached the ledger (last-payment proofs)."""

from __future__ import annotations

from kit.consumer import Subscription
from kit.events import Event, field_uuid
from services.accounts.service_layer.last_payment import record_posted_payment

POSTED = "payments.payment.posted"


def subscriptions() -> list[Subscription]:
    return [Subscription(durable="accounts-payments", handlers={POSTED: on_payment_posted})]


def on_payment_posted(event: Event, uow) -> None:
    p = event.payload
    record_posted_payment(uow, entry_id=field_uuid(p.entry_id, "entry_id"),
                          account_id=field_uuid(p.account_id, "account_id"), paid_on=p.paid_on,
                          amount_kop=p.amount_kop, channel=p.channel)
