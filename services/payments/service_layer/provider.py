"""The card acquirer as the use cases see it (a port): the YooKassa adapter in production and the
simulator, a fake in unit tests. Every call may raise kit.errors.Unavailable "provider_unavailable" (an
outage, the provider's technical break, or the circuit breaker open) — nothing is half-done then."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kit.errors import Rejected, Unavailable
from services.payments.domain.card_payments import ProviderPayment, ProviderRefund

UNAVAILABLE_MESSAGE = ("Оплата картой временно недоступна: у платёжного сервиса технические работы или сбой. "
                       "Попробуйте позже — деньги не списаны.")


def provider_unavailable(message: str = UNAVAILABLE_MESSAGE) -> Unavailable:
    return Unavailable(message, code="provider_unavailable")


def provider_rejected(message: str) -> Rejected:
    """The provider refused the request itself (a 4xx): not retried, nothing created."""
    return Rejected(f"Платёжный сервис отклонил запрос: {message}", code="provider_rejected")


@dataclass(frozen=True)
class PaymentRequest:
    """What the provider is asked to charge: the amount, the 54-ФЗ receipt, the payment page's way back
    (or a saved card to charge without the customer), our payment's id in metadata."""

    payment_id: str
    amount_kop: int
    description: str
    receipt: dict | None
    return_url: str = ""
    save_card: bool = False
    method_id: str = ""


@dataclass(frozen=True)
class Availability:
    available: bool
    message: str = ""


class ProviderNotFound(LookupError):
    """The provider knows no such payment or refund."""


class ProviderPort(Protocol):
    name: str

    def create_payment(self, request: PaymentRequest, *, idempotency_key: str) -> ProviderPayment: ...

    def get_payment(self, provider_payment_id: str) -> ProviderPayment:
        """The payment as the provider has it now; ProviderNotFound for an unknown id."""

    def create_refund(self, provider_payment_id: str, *, amount_kop: int, description: str, receipt: dict | None,
                      idempotency_key: str) -> ProviderRefund: ...

    def get_refund(self, provider_refund_id: str) -> ProviderRefund:
        """The refund as the provider has it now; ProviderNotFound for an unknown id."""

    def receipts(self, provider_payment_id: str) -> list[dict]:
        """The fiscal receipts the provider registered for a payment (its `/receipts`), as it shows them."""

    def availability(self) -> Availability: ...
