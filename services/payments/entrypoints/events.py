"""The payments event worker's subscriptions: other services' facts in, use cases out."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from kit.consumer import Subscription
from kit.errors import InvalidInput
from kit.events import Event
from services.payments.domain.model import AcceptedReading
from services.payments.service_layer import handlers


def subscriptions() -> list[Subscription]:
    return [Subscription(durable="payments-readings",
                         handlers={"readings.reading.accepted": on_reading_accepted})]


def on_reading_accepted(event: Event, uow) -> None:
    handlers.post_preliminary_charge(uow, accepted_reading(event.payload), now=dt.datetime.now(dt.UTC))


def accepted_reading(p) -> AcceptedReading:
    """kabinet.readings.v1.ReadingAccepted -> the domain's view; a malformed fact is poison (InvalidInput)."""
    return AcceptedReading(
        reading_id=_uuid(p.reading_id, "reading_id"), account_id=_uuid(p.account_id, "account_id"),
        supplier_id=_uuid(p.supplier_id, "supplier_id"), category=p.category,
        consumption={z.zone: _decimal(z.value, z.zone) for z in p.consumption},
        ratio=_decimal(p.ratio or "1", "ratio"),
        taken_at=p.taken_at.ToDatetime(dt.UTC),
        submitted_by=_uuid(p.submitted_by, "submitted_by") if p.submitted_by else "",
    )


def _uuid(value: str, name: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidInput(f"{name}: not a UUID: {value!r}", code="malformed_event") from None


def _decimal(value: str, name: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise InvalidInput(f"{name}: not a number: {value!r}", code="malformed_event") from None
