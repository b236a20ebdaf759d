"""The readings event worker's subscriptions: a projection of accounts' facts."""

from __future__ import annotations

from kit.access import binding_handlers
from kit.consumer import Subscription
from kit.events import Event, field_uuid
from services.readings.adapters.accounts import facts_from_pb
from services.readings.service_layer.accounts import project_account


def subscriptions() -> list[Subscription]:
    return [Subscription(durable="readings-accounts", handlers={
        "accounts.account.changed": on_account_changed,
        **binding_handlers(lambda uow: uow.access),
    })]


def on_account_changed(event: Event, uow) -> None:
    field_uuid(event.payload.account.account_id, "account_id")
    project_account(uow, facts_from_pb(event.payload.account), event.occurred_at)
