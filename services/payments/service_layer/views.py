"""What a customer reads: the balance of an account and its charges."""

from __future__ import annotations

from services.payments.domain import model
from services.payments.service_layer.accounts import AccountsPort, ensure_allowed


def get_balance(uow, accounts: AccountsPort, *, user_id: str, account_id: str) -> model.Balance:
    with uow:
        ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
        return model.Balance(account_id=account_id, balance_kop=uow.ledger.balance_kop(account_id))


def list_charges(uow, accounts: AccountsPort, *, user_id: str, account_id: str, limit: int) -> list[model.Charge]:
    """Newest first."""
    with uow:
        ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
        return uow.charges.list_for_account(account_id, limit)
