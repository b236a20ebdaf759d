"""What a customer reads: the reading history of an account."""

from __future__ import annotations

from services.readings.domain import model
from services.readings.service_layer.accounts import AccountsPort, allowed_account


def list_readings(uow, accounts: AccountsPort, *, user_id: str, account_id: str, limit: int) -> list[model.Reading]:
    """Newest first."""
    with uow:
        allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        return uow.readings.list_for_account(account_id, limit)
