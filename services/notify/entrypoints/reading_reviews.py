"""The notify worker's handler of readings.reading.rejected: the customer is told in the inbox."""

from __future__ import annotations

from kit.events import Event, field_decimal, field_uuid
from services.notify.service_layer.reading_reviews import notify_reading_rejected


def on_reading_rejected(event: Event, uow) -> None:
    from services.notify.entrypoints.events import _month, _user  # events.py subscribes this handler

    p = event.payload
    notify_reading_rejected(
        uow, event_id=event.id, user_id=_user(p.customer_id), account_id=field_uuid(p.reading.account_id, "account_id"),
        values={v.zone: field_decimal(v.value, v.zone) for v in p.reading.values},
        period=_month(p.reading.period) if p.reading.period else None, reason=p.reason, occurred_at=event.occurred_at)
