"""Staff's review of a flagged reading, told to the customer: a rejected reading in the inbox.

The event handler runs inside the transaction the kit's consumer opened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from services.notify.domain import texts
from services.notify.domain.model import InboxMessage, message_id_for


def notify_reading_rejected(uow, *, event_id: str, user_id: str, account_id: str, values: Mapping[str, Decimal],
                            period: dt.date | None, reason: str, occurred_at: dt.datetime) -> InboxMessage | None:
    """«Показания отклонены» to the customer who submitted the reading (a reading without signing in has
    nobody to tell); one message per fact: a redelivered event finds the first."""
    if not user_id:
        return None
    message = texts.reading_rejected_notice(message_id=message_id_for(event_id, "inbox"), user_id=user_id,
                                            account_id=account_id, values=values, period=period, reason=reason,
                                            created_at=occurred_at)
    uow.inbox.add(message)
    return message
