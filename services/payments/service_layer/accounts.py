"""Accounts, as payments sees them: may the caller touch an account. The projection of bindings
(kit.access, fed by accounts' events) answers yes; otherwise accounts decides."""

from __future__ import annotations

from typing import Protocol

from kit.errors import NotFound
from kit.ids import is_uuid


class AccountsPort(Protocol):
    def check_access(self, account_id: str) -> None:
        """Returns if the caller may act on the account; raises NotFound or Forbidden otherwise."""


def ensure_allowed(uow, accounts: AccountsPort, *, user_id: str, account_id: str) -> None:
    """Returns if the user may see the account's money; raises NotFound or Forbidden otherwise."""
    if not is_uuid(account_id):
        raise NotFound("Лицевой счёт не найден.", code="account_not_found")
    if not uow.access.is_bound(user_id, account_id):
        accounts.check_access(account_id)
