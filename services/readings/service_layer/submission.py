"""Submitting a register reading (передать показания)."""

from __future__ import annotations

import datetime as dt

from services.readings.adapters import events
from services.readings.domain import model
from services.readings.service_layer.accounts import AccountsPort, allowed_account


def submit_reading(uow, accounts: AccountsPort, *, user_id: str, account_id: str, meter_id: str,
                   values: dict[str, str], idempotency_key: str | None,
                   now: dt.datetime | None = None) -> model.Reading:
    """Accept a customer's reading and announce it; a retry with the same key returns the first result."""
    with uow:
        account = allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        if idempotency_key:
            earlier = uow.readings.by_idempotency_key(user_id, idempotency_key)
            if earlier is not None:
                return earlier
        account.meter(meter_id)  # a meter of another account (or no meter at all) is refused before any lookup
        uow.readings.lock_meter(meter_id)
        previous = uow.readings.last_for_meter(meter_id)
        reading = model.accept_reading(account, meter_id, values, previous, submitted_by=user_id,
                                       idempotency_key=idempotency_key, now=now or dt.datetime.now(dt.UTC))
        uow.readings.add(reading)
        uow.emit(events.reading_accepted(reading, account))
        uow.commit()
    return reading
