"""Readings of several accounts at once («в одном окне»): each item submitted on its own, as a single
reading is, with its own result; one bad item does not stop the others."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kit.errors import DomainError, InvalidInput
from services.readings.domain import model
from services.readings.service_layer import submission
from services.readings.service_layer.accounts import AccountsPort

MAX_ITEMS = 20


@dataclass(frozen=True)
class Item:
    account_id: str
    meter_id: str
    values: dict[str, str]
    confirm: bool = False


@dataclass(frozen=True)
class ItemResult:
    index: int
    reading: model.Reading | None = None
    problem: DomainError | None = None


def item_key(idempotency_key: str | None, index: int) -> str | None:
    """Item i of a request with key K is submitted with key "K:i": a retry of the request returns each item's
    first result, and no two items share a key."""
    return f"{idempotency_key}:{index}" if idempotency_key else None


def submit_readings(uow_factory, accounts: AccountsPort, *, user_id: str, items: list[Item],
                    idempotency_key: str | None, now: dt.datetime | None = None) -> list[ItemResult]:
    """Each item in its own transaction with `submit_reading`'s rules (access, window, plausibility, zones, …);
    a refusal is that item's result. An item that met an outage (code "unavailable") may be sent again."""
    if not 1 <= len(items) <= MAX_ITEMS:
        raise InvalidInput(f"От 1 до {MAX_ITEMS} показаний за раз.", code="invalid_items",
                           fields={"items": f"От 1 до {MAX_ITEMS} показаний."})
    results = []
    for index, item in enumerate(items):
        try:
            reading = submission.submit_reading(
                uow_factory(), accounts, user_id=user_id, account_id=item.account_id, meter_id=item.meter_id,
                values=item.values, idempotency_key=item_key(idempotency_key, index), confirm=item.confirm,
                now=now)
        except DomainError as exc:
            results.append(ItemResult(index=index, problem=exc))
        else:
            results.append(ItemResult(index=index, reading=reading))
    return results
