from __future__ import annotations

from kit.audit import AuditLog
from kit.db import UnitOfWork
from services.accounts.adapters.contracts import ContractsRepository
from services.accounts.adapters.events import to_event
from services.accounts.adapters.orm import audit_log
from services.accounts.adapters.registry_store import RegistryStore
from services.accounts.adapters.repository import AccountsRepository
from services.accounts.adapters.requests import RequestsRepository
from services.accounts.adapters.suppliers import SuppliersRepository
from services.accounts.domain.events import Fact


class AccountsUnitOfWork(UnitOfWork):
    accounts: AccountsRepository
    contracts: ContractsRepository
    requests: RequestsRepository
    audit: AuditLog
    registry: RegistryStore
    suppliers: SuppliersRepository

    def _open_repositories(self, session) -> None:
        self.accounts = AccountsRepository(session)
        self.contracts = ContractsRepository(session)
        self.requests = RequestsRepository(session)
        self.audit = AuditLog(session, audit_log)
        self.registry = RegistryStore(session)
        self.suppliers = SuppliersRepository(session)

    def emit(self, fact: Fact) -> None:
        """Records a fact of accounts' domain; its contract message goes to the outbox on commit."""
        super().emit(to_event(fact))
