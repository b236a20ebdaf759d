"""Use cases of the notify service.

Event handlers run inside the transaction the kit's consumer opened (together with the
processed-event record); they neither open nor commit it. API use cases open their own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

from kit.errors import NotFound
from kit.logging import ctx
from services.notify.domain import texts
from services.notify.domain.model import (
    SENT,
    Delivery,
    DeliveryFailed,
    InboxMessage,
    Outgoing,
    message_id_for,
)

log = logging.getLogger("notify")


class Sender(Protocol):
    def send(self, message: Outgoing) -> None:
        """Hand the message to the channel's provider; raise DeliveryFailed if it cannot be."""


# --- events -------------------------------------------------------------------

def send_code(uow, senders: Mapping[str, Sender], *, event_id: str, channel: str, destination: str,
              purpose: str, code: str, ttl_seconds: int) -> Delivery:
    message = texts.code_message(message_id=message_id_for(event_id, channel), channel=channel,
                                 destination=destination, purpose=purpose, code=code, ttl_seconds=ttl_seconds)
    return deliver(uow, senders, message)


def deliver(uow, senders: Mapping[str, Sender], message: Outgoing) -> Delivery:
    """Hand a message to its channel's adapter unless it went out already, and record what happened."""
    delivery = uow.deliveries.get(message.message_id) or Delivery.of(message)
    if delivery.status == SENT:
        return delivery
    try:
        senders[message.channel].send(message)
        delivery.succeeded()
    except DeliveryFailed as exc:
        delivery.failed(str(exc))
        log.warning("delivery failed", extra=ctx(message_id=message.message_id, channel=message.channel,
                                                 purpose=message.purpose, error=str(exc)))
    uow.deliveries.save(delivery)
    return delivery


def notify_reading_accepted(uow, *, event_id: str, user_id: str, account_id: str,
                            values: Mapping[str, Decimal], consumption: Mapping[str, Decimal],
                            occurred_at: dt.datetime) -> InboxMessage | None:
    """«Показания приняты» to whoever submitted them (automatic readings have nobody to tell)."""
    if not user_id:
        return None
    message = texts.reading_accepted_notice(message_id=message_id_for(event_id, "inbox"), user_id=user_id,
                                            account_id=account_id, values=values, consumption=consumption,
                                            created_at=occurred_at)
    uow.inbox.add(message)
    return message


def notify_charge_posted(uow, *, event_id: str, user_id: str, account_id: str, kind: str, amount_kop: int,
                         balance_kop: int, occurred_at: dt.datetime) -> InboxMessage | None:
    """«Предварительное начисление: …» to the customer whose reading caused it."""
    if not user_id:
        return None
    message = texts.charge_posted_notice(message_id=message_id_for(event_id, "inbox"), user_id=user_id,
                                         account_id=account_id, kind=kind, amount_kop=amount_kop,
                                         balance_kop=balance_kop, created_at=occurred_at)
    uow.inbox.add(message)
    return message


# --- API ----------------------------------------------------------------------

def list_inbox(uow, *, user_id: str, limit: int) -> list[InboxMessage]:
    with uow:
        return uow.inbox.list_for_user(user_id, limit)


def list_dev_outbox(uow, *, enabled: bool, destination: str, limit: int) -> list[tuple[Outgoing, dt.datetime]]:
    """What the dev adapters "sent" — only where they exist (dev and test profiles)."""
    if not enabled:
        raise NotFound()
    with uow:
        return uow.dev_outbox.list(destination, limit)
