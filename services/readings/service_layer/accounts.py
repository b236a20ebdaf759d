"""Accounts, as readings sees them: may the caller touch an account, and the projection of accounts'
facts (bindings, meters, АИИС КУЭ) that answers that without asking accounts each time."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from kit.errors import NotFound
from kit.ids import is_uuid
from services.readings.domain import model
from services.readings.domain.windows import SupplierFacts


class AccountsPort(Protocol):
    def facts(self, account_id: str) -> model.AccountFacts:
        """The account's facts if the caller may act on it; raises NotFound otherwise."""


def allowed_account(uow, accounts: AccountsPort, *, user_id: str, account_id: str) -> model.AccountFacts:
    """From the projection when it knows the binding; otherwise accounts decides (and may refuse)."""
    if not is_uuid(account_id):
        raise NotFound("Лицевой счёт не найден.", code="account_not_found")
    return uow.accounts.allowed_facts(user_id, account_id) or accounts.facts(account_id)


def project_account(uow, facts: model.AccountFacts, as_of: dt.datetime) -> None:
    """accounts.account.changed: keep the newest facts (an event handler; the kit commits)."""
    uow.accounts.put_facts(facts, as_of)


def project_supplier(uow, supplier: SupplierFacts, as_of: dt.datetime) -> None:
    """accounts.supplier.changed: keep the newest time zone and readings window (an event handler)."""
    uow.suppliers.put(supplier, as_of)
