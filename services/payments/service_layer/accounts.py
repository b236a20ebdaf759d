"""Accounts, as payments sees them: may the caller touch an account, and what it is (supplier, category).
The projection of bindings (kit.access) and of accounts' facts (accounts.account.changed) answer when
they know; otherwise accounts decides."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from kit.errors import NotFound
from kit.ids import is_uuid
from services.payments.domain.model import AccountFacts, Supplier


class AccountsPort(Protocol):
    def check_access(self, account_id: str) -> None:
        """Returns if the caller may act on the account; raises NotFound or Forbidden otherwise."""

    def facts(self, account_id: str) -> AccountFacts:
        """The account's facts if the caller may act on it; raises NotFound or Forbidden otherwise."""

    def find(self, number: str, supplier_id: str) -> str:
        """The id of the account with this number at this supplier (accounts' number rule; supplier_id may
        be "" when the number is unambiguous); no caller needed. Raises NotFound "account_not_found" or
        InvalidInput "invalid_account_number"."""


def ensure_allowed(uow, accounts: AccountsPort, *, user_id: str, account_id: str) -> None:
    """Returns if the user may see the account's money; raises NotFound or Forbidden otherwise."""
    if not is_uuid(account_id):
        raise NotFound("Лицевой счёт не найден.", code="account_not_found")
    if not uow.access.is_bound(user_id, account_id):
        accounts.check_access(account_id)


def allowed_facts(uow, accounts: AccountsPort, *, user_id: str, account_id: str) -> AccountFacts:
    """The facts of one of the user's accounts: from the projections when they know the binding and the
    account, otherwise from accounts (which refuses an account that is not the user's)."""
    if not is_uuid(account_id):
        raise NotFound("Лицевой счёт не найден.", code="account_not_found")
    if uow.access.is_bound(user_id, account_id):
        known = uow.account_facts.get(account_id)
        if known is not None:
            return known
    return accounts.facts(account_id)


def project_account(uow, facts: AccountFacts, as_of: dt.datetime) -> None:
    """accounts.account.changed: keep the newest facts (an event handler; the kit commits)."""
    uow.account_facts.put(facts, as_of)


def project_supplier(uow, supplier: Supplier, as_of: dt.datetime) -> None:
    """accounts.supplier.changed: keep the newest facts of the supplier (an event handler; the kit commits)."""
    uow.suppliers.put(supplier, as_of)
