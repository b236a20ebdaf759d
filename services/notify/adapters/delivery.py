"""Delivery adapters: how an SMS or an e-mail leaves Kabinet.

Each has `send(message: Outgoing) -> None` and raises DeliveryFailed (with a reason, never
the text, which may hold a code) when it cannot hand the message over. Provider adapters
(SMTP, an HTTP SMS gateway) slot in next to these and are picked in bootstrap by
KABINET_SMS_ADAPTER / KABINET_EMAIL_ADAPTER.
"""

from __future__ import annotations

from collections.abc import Callable

from services.notify.domain.model import DeliveryFailed, Outgoing


class DevOutboxSender:
    """Dev and test profiles: "sends" by writing the message to the dev_outbox table, where people
    and tests read it (GET /dev/outbox). Its own short transaction, as a call to a provider would
    be; a message handed over again (a redelivered event) is written once."""

    def __init__(self, uow_factory: Callable[[], object]) -> None:
        self.uow = uow_factory

    def send(self, message: Outgoing) -> None:
        with self.uow() as uow:
            uow.dev_outbox.add(message)
            uow.commit()


class UnconfiguredSender:
    """A channel without a provider: every delivery fails, and shows as failed in deliveries."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, message: Outgoing) -> None:
        raise DeliveryFailed(f"no delivery adapter configured for {self.channel}")
