from __future__ import annotations

from kit.db import UnitOfWork
from services.accounts.adapters.repository import AccountsRepository


class AccountsUnitOfWork(UnitOfWork):
    accounts: AccountsRepository

    def _open_repositories(self, session) -> None:
        self.accounts = AccountsRepository(session)
