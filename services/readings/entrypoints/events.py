"""The readings event worker's subscriptions: a projection of accounts' facts."""

from __future__ import annotations

from kit.access import binding_handlers
from kit.consumer import Subscription
from kit.errors import InvalidInput
from kit.events import Event, field_uuid
from services.readings.adapters.accounts import facts_from_pb, supplier_from_pb
from services.readings.domain.windows import parse_period
from services.readings.service_layer.accounts import project_account, project_supplier
from services.readings.service_layer.submission import mark_billed


def subscriptions() -> list[Subscription]:
    return [Subscription(durable="readings-accounts", handlers={
        "accounts.account.changed": on_account_changed,
        **binding_handlers(lambda uow: uow.access),
    }),
        # durables of their own: a new consumer reads the stream from its start (every supplier, every run)
        Subscription(durable="readings-suppliers", handlers={"accounts.supplier.changed": on_supplier_changed}),
        Subscription(durable="readings-billing", handlers={"payments.billing_run.finished": on_billing_run_finished}),
    ]


def on_account_changed(event: Event, uow) -> None:
    field_uuid(event.payload.account.account_id, "account_id")
    project_account(uow, facts_from_pb(event.payload.account), event.occurred_at)


def on_supplier_changed(event: Event, uow) -> None:
    supplier = event.payload.supplier
    field_uuid(supplier.supplier_id, "supplier_id")
    project_supplier(uow, supplier_from_pb(supplier), event.occurred_at)


def on_billing_run_finished(event: Event, uow) -> None:
    period = parse_period(event.payload.period)
    if period is None:
        raise InvalidInput(f"period: not YYYY-MM: {event.payload.period!r}", code="malformed_event")
    mark_billed(uow, supplier_id=field_uuid(event.payload.supplier_id, "supplier_id"), period=period)
