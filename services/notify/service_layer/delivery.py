"""Delivery: SMS and e-mail through the channel's adapter, recorded in `deliveries`, retried through
the event's redelivery; and the dev outbox (what the dev adapters and simulators received).

Event handlers run inside the transaction the kit's consumer opened (together with the
processed-event record); they neither open nor commit it. The dev outbox opens its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from kit.errors import NotFound
from kit.logging import ctx
from services.notify.domain import texts
from services.notify.domain.model import FAILED, SENT, Delivery, DeliveryFailed, Outgoing, message_id_for

log = logging.getLogger("notify")


class Sender(Protocol):
    def send(self, message: Outgoing) -> None:
        """Hand the message to the channel's provider; raise DeliveryFailed if it cannot be."""


class RetryDelivery(Exception):  # noqa: N818 - a signal, not an error
    """Raised out of an event handler to have the event redelivered (the kit's consumer naks it with a
    growing delay) because a delivery attempt failed and another one is due."""


@dataclass(frozen=True)
class Retries:
    """How a failed delivery is retried: up to `max_attempts` in all. Each failed attempt is recorded
    at once through `attempts_uow` (its own transaction: the consumer's is rolled back so that the
    event comes again)."""

    attempts_uow: Callable[[], object]
    max_attempts: int = 8


def send_code(uow, senders: Mapping[str, Sender], *, event_id: str, channel: str, destination: str,
              purpose: str, code: str, ttl_seconds: int, link: str = "", retries: Retries | None = None) -> Delivery:
    message = texts.code_message(message_id=message_id_for(event_id, channel), channel=channel,
                                 destination=destination, purpose=purpose, code=code, ttl_seconds=ttl_seconds,
                                 link=link)
    return deliver(uow, senders, message, retries)


def send_contract_confirmation(uow, senders: Mapping[str, Sender], *, event_id: str, email: str,
                               contract_number: str, link: str, retries: Retries | None = None) -> Delivery:
    message = texts.contract_confirmation(message_id=message_id_for(event_id, "email"), email=email,
                                          contract_number=contract_number, link=link)
    return deliver(uow, senders, message, retries)


def deliver(uow, senders: Mapping[str, Sender], message: Outgoing, retries: Retries | None = None) -> Delivery:
    """Hand a message to its channel's adapter unless it went out (or was given up) already, and record
    what happened. A failure the provider calls permanent, or the last allowed attempt, is `failed`
    (logged as an error); any other failure is recorded as `pending` and raises RetryDelivery."""
    delivery = uow.deliveries.get(message.message_id) or Delivery.of(message)
    if delivery.status in (SENT, FAILED):
        return delivery
    try:
        senders[message.channel].send(message)
    except DeliveryFailed as exc:
        where = ctx(message_id=message.message_id, channel=message.channel, purpose=message.purpose,
                    attempt=delivery.attempts + 1, error=str(exc))
        if exc.permanent or retries is None or delivery.attempts + 1 >= retries.max_attempts:
            delivery.failed(str(exc))
            uow.deliveries.save(delivery)
            log.error("delivery failed for good", extra=where)
            return delivery
        delivery.will_retry(str(exc))
        with retries.attempts_uow() as own:
            own.deliveries.save(delivery)
            own.commit()
        log.warning("delivery failed, will retry", extra=where)
        raise RetryDelivery(f"attempt {delivery.attempts} of {retries.max_attempts} failed") from None
    delivery.succeeded()
    uow.deliveries.save(delivery)
    return delivery


class Mailbox(Protocol):
    def list(self, destination: str, limit: int) -> list[tuple[Outgoing, dt.datetime]]:
        """What a delivery simulator received, newest first."""


def list_dev_outbox(uow, *, enabled: bool, destination: str, limit: int,
                    mailboxes: Sequence[Mailbox] = ()) -> list[tuple[Outgoing, dt.datetime]]:
    """What the dev adapters "sent" and the delivery simulators received — only where they exist
    (dev and test profiles); newest first."""
    if not enabled:
        raise NotFound()
    with uow:
        sent = uow.dev_outbox.list(destination, limit)
    for mailbox in mailboxes:
        sent += mailbox.list(destination, limit)
    return sorted(sent, key=lambda pair: pair[1], reverse=True)[:limit]
