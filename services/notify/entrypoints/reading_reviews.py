"""readings.reading.rejected as the catalogue's notice: the customer who submitted the reading is told."""

from __future__ import annotations

from kit.events import Event, field_decimal, field_uuid
from services.notify.domain.model import Notice


def rejected_notice(event: Event) -> Notice | None:
    """«Показания отклонены» with the values, the month and staff's reason, to whoever submitted the reading (a
    reading without signing in has nobody to tell)."""
    from services.notify.entrypoints.events import _month, _user  # events.py subscribes this handler

    p = event.payload
    if not p.customer_id:
        return None
    return Notice("reading_rejected", event.id, event.occurred_at, user_ids=(_user(p.customer_id),),
                  account_id=field_uuid(p.reading.account_id, "account_id"), params=dict(
                      values={v.zone: field_decimal(v.value, v.zone) for v in p.reading.values},
                      period=_month(p.reading.period) if p.reading.period else "", reason=p.reason))
