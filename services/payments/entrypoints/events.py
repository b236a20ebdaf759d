"""The payments event worker's subscriptions: other services' facts in, use cases out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kit.access import binding_handlers
from kit.consumer import Subscription
from kit.errors import InvalidInput
from kit.events import Event, field_decimal, field_uuid
from services.payments.adapters.accounts import facts_from_pb, supplier_from_pb
from services.payments.domain.billing import parse_period
from services.payments.domain.model import AcceptedReading
from services.payments.entrypoints.rejection_events import on_reading_rejected
from services.payments.service_layer.accounts import project_account, project_supplier
from services.payments.service_layer.charging import post_preliminary_charges, replace_preliminary_charge


def subscriptions() -> list[Subscription]:
    # charges are writes in the unit of work only: a fetch's readings share one transaction, and the accepted
    # ones that follow each other are charged together (set-based)
    return [Subscription(durable="payments-readings",
                         handlers={"readings.reading.corrected": on_reading_corrected,
                                   "readings.reading.rejected": on_reading_rejected},
                         batch_handlers={"readings.reading.accepted": on_readings_accepted}, shared_transaction=True),
            Subscription(durable="payments-accounts", handlers=binding_handlers(lambda uow: uow.access)),
            # a durable of its own: a new consumer reads the stream from its start, so every account that
            # accounts announced before this subscription existed is projected too
            Subscription(durable="payments-account-facts", handlers={"accounts.account.changed": on_account_changed}),
            Subscription(durable="payments-suppliers", handlers={"accounts.supplier.changed": on_supplier_changed})]


def on_readings_accepted(batch: Sequence[Event], uow) -> None:
    post_preliminary_charges(uow, [accepted_reading(event.payload) for event in batch], now=dt.datetime.now(dt.UTC))


def on_reading_corrected(event: Event, uow) -> None:
    replace_preliminary_charge(uow, accepted_reading(event.payload.reading),
                               corrects=field_uuid(event.payload.corrects, "corrects"), now=dt.datetime.now(dt.UTC))


def on_account_changed(event: Event, uow) -> None:
    account = event.payload.account
    field_uuid(account.account_id, "account_id")
    field_uuid(account.supplier_id, "supplier_id")
    project_account(uow, facts_from_pb(account), event.occurred_at)


def on_supplier_changed(event: Event, uow) -> None:
    supplier = event.payload.supplier
    field_uuid(supplier.supplier_id, "supplier_id")
    project_supplier(uow, supplier_from_pb(supplier), event.occurred_at)


def accepted_reading(p) -> AcceptedReading:
    """kabinet.readings.v1.ReadingAccepted -> the domain's view; a malformed fact is poison (InvalidInput)."""
    return AcceptedReading(
        reading_id=field_uuid(p.reading_id, "reading_id"), account_id=field_uuid(p.account_id, "account_id"),
        supplier_id=field_uuid(p.supplier_id, "supplier_id"), category=p.category,
        consumption={z.zone: field_decimal(z.value, z.zone) for z in p.consumption},
        ratio=field_decimal(p.ratio or "1", "ratio"),
        taken_at=p.taken_at.ToDatetime(dt.UTC),
        submitted_by=field_uuid(p.submitted_by, "submitted_by") if p.submitted_by else "",
        values={z.zone: field_decimal(z.value, z.zone) for z in p.values},
        meter_id=field_uuid(p.meter_id, "meter_id") if p.meter_id else "",
        period=_period(p.period),
    )


def _period(text: str) -> dt.date | None:
    """ReadingAccepted.period ("YYYY-MM"; "" from older producers); malformed: poison."""
    if not text:
        return None
    period = parse_period(text)
    if period is None:
        raise InvalidInput(f"period: not YYYY-MM: {text!r}", code="malformed_event")
    return period
