"""What card payments publish (through the outbox): payments.payment.succeeded / payments.payment.failed."""

from __future__ import annotations

from kabinet.payments.v1 import payments_pb2 as pb

from kit.events import Event
from services.payments.domain.card_payments import PaymentView


def _items(view: PaymentView) -> list[pb.CardPaymentItem]:
    return [pb.CardPaymentItem(account_id=i.account_id, bucket=i.bucket, amount_kop=i.amount_kop) for i in view.items]


def payment_succeeded(view: PaymentView) -> Event:
    """payments.payment.succeeded: a card payment settled; its items are on the ledger."""
    return Event(type="payments.payment.succeeded", aggregate_id=view.payment_id, payload=pb.PaymentSucceeded(
        payment_id=view.payment_id, user_id=view.user_id or "", channel=view.channel, amount_kop=view.amount_kop,
        items=_items(view), provider_payment_id=view.provider_payment_id))


def payment_failed(view: PaymentView, *, reason: str, message: str) -> Event:
    """payments.payment.failed: a card payment was canceled, with the reason and its Russian text."""
    return Event(type="payments.payment.failed", aggregate_id=view.payment_id, payload=pb.PaymentFailed(
        payment_id=view.payment_id, user_id=view.user_id or "", channel=view.channel, amount_kop=view.amount_kop,
        items=_items(view), reason=reason, message=message))
