"""The in-app inbox (колокольчик): messages made from other services' facts, and reading them.

Event handlers run inside the transaction the kit's consumer opened; the API opens its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from services.notify.domain import texts
from services.notify.domain.model import InboxMessage, message_id_for


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


def notify_reading_corrected(uow, *, event_id: str, user_id: str, account_id: str,
                             values: Mapping[str, Decimal], consumption: Mapping[str, Decimal], reason: str,
                             occurred_at: dt.datetime) -> InboxMessage | None:
    """«Показания исправлены» to the customer whose reading was corrected (by them or by staff, with the
    reason); the preliminary charge is replaced by payments."""
    if not user_id:
        return None
    message = texts.reading_corrected_notice(message_id=message_id_for(event_id, "inbox"), user_id=user_id,
                                             account_id=account_id, values=values, consumption=consumption,
                                             reason=reason, created_at=occurred_at)
    uow.inbox.add(message)
    return message


def notify_charge_posted(uow, *, event_id: str, user_id: str, account_id: str, kind: str, amount_kop: int,
                         balance_kop: int, balance_state: str, occurred_at: dt.datetime) -> InboxMessage | None:
    """«Предварительное начисление: …» to the customer whose reading caused it."""
    if not user_id:
        return None
    message = texts.charge_posted_notice(message_id=message_id_for(event_id, "inbox"), user_id=user_id,
                                         account_id=account_id, kind=kind, amount_kop=amount_kop,
                                         balance_kop=balance_kop, balance_state=balance_state,
                                         created_at=occurred_at)
    uow.inbox.add(message)
    return message


def list_inbox(uow, *, user_id: str, limit: int) -> list[InboxMessage]:
    with uow:
        return uow.inbox.list_for_user(user_id, limit)
