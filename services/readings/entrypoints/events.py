"""The readings event worker's subscriptions: a projection of accounts' facts."""

from __future__ import annotations

from kit.consumer import Subscription
from kit.events import Event, field_uuid
from services.readings.adapters.accounts import facts_from_pb
from services.readings.service_layer import handlers


def subscriptions() -> list[Subscription]:
    return [Subscription(durable="readings-accounts", handlers={
        "accounts.account.changed": on_account_changed,
        "accounts.account.bound": on_bound,
        "accounts.account.unbound": on_unbound,
    })]


def on_account_changed(event: Event, uow) -> None:
    field_uuid(event.payload.account.account_id, "account_id")
    handlers.project_account(uow, facts_from_pb(event.payload.account), event.occurred_at)


def on_bound(event: Event, uow) -> None:
    _binding(event, uow, bound=True)


def on_unbound(event: Event, uow) -> None:
    _binding(event, uow, bound=False)


def _binding(event: Event, uow, *, bound: bool) -> None:
    p = event.payload
    handlers.project_binding(uow, user_id=field_uuid(p.user_id, "user_id"),
                             account_id=field_uuid(p.account_id, "account_id"), bound=bound,
                             as_of=event.occurred_at)
