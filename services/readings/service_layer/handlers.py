"""Use cases of the readings service: each takes a unit of work and the ports it needs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Protocol

from kabinet.readings.v1 import readings_pb2 as pb

from kit.errors import NotFound
from kit.events import Event
from services.readings.domain import model


class AccountsPort(Protocol):
    def facts(self, account_id: str) -> model.AccountFacts:
        """The account's facts if the caller may act on it; raises NotFound otherwise."""


def submit_reading(uow, accounts: AccountsPort, *, user_id: str, account_id: str, meter_id: str,
                   values: dict[str, str], idempotency_key: str | None,
                   now: dt.datetime | None = None) -> model.Reading:
    with uow:
        account = _account(uow, accounts, user_id, account_id)
        if idempotency_key:
            earlier = uow.readings.by_idempotency_key(user_id, idempotency_key)
            if earlier is not None:
                return earlier
        uow.readings.lock_meter(meter_id)
        previous = uow.readings.last_for_meter(meter_id)
        reading = model.accept_reading(account, meter_id, values, previous, submitted_by=user_id,
                                       idempotency_key=idempotency_key, now=now or dt.datetime.now(dt.UTC))
        uow.readings.add(reading)
        uow.emit(reading_accepted(reading, account))
        uow.commit()
    return reading


def list_readings(uow, accounts: AccountsPort, *, user_id: str, account_id: str, limit: int) -> list[model.Reading]:
    with uow:
        _account(uow, accounts, user_id, account_id)
        return uow.readings.list_for_account(account_id, limit)


def _account(uow, accounts: AccountsPort, user_id: str, account_id: str) -> model.AccountFacts:
    """From the projection when it knows the binding; otherwise accounts decides (and may refuse)."""
    if not _is_uuid(account_id):
        raise NotFound("Лицевой счёт не найден.", code="account_not_found")
    return uow.accounts.allowed_facts(user_id, account_id) or accounts.facts(account_id)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# --- the projection of accounts' facts (event handlers; the kit commits) ---

def project_account(uow, facts: model.AccountFacts, as_of: dt.datetime) -> None:
    uow.accounts.put_facts(facts, as_of)



def reading_accepted(reading: model.Reading, account: model.AccountFacts) -> Event:
    meter = account.meter(reading.meter_id)
    payload = pb.ReadingAccepted(
        reading_id=reading.reading_id, account_id=reading.account_id, meter_id=reading.meter_id,
        supplier_id=account.supplier_id, category=account.category, ratio=str(meter.ratio),
        submitted_by=reading.submitted_by or "",
        values=[pb.ZoneValue(zone=z, value=str(v)) for z, v in reading.values.items()],
        consumption=[pb.ZoneValue(zone=z, value=str(v)) for z, v in reading.consumption.items()],
    )
    payload.taken_at.FromDatetime(reading.taken_at)
    return Event(type="readings.reading.accepted", aggregate_id=reading.account_id, payload=payload)
