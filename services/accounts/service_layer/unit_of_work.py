from __future__ import annotations

from kit.db import UnitOfWork
from services.accounts.adapters.registry_store import RegistryStore
from services.accounts.adapters.repository import AccountsRepository


class AccountsUnitOfWork(UnitOfWork):
    accounts: AccountsRepository
    registry: RegistryStore

    def _open_repositories(self, session) -> None:
        self.accounts = AccountsRepository(session)
        self.registry = RegistryStore(session)
