"""The payments unit of work: one transaction, its repositories and its outbox."""

from __future__ import annotations

from kit.access import AccessProjection
from kit.audit import AuditLog
from kit.db import UnitOfWork
from services.payments.adapters.master_data import CategoryRepository, NormRepository, ScheduleRepository
from services.payments.adapters.orm import account_access, audit_log
from services.payments.adapters.projection import AccountFactsProjection, SupplierProjection
from services.payments.adapters.repository import ChargeRepository, LedgerRepository, TariffRepository


class PaymentsUnitOfWork(UnitOfWork):
    tariffs: TariffRepository
    categories: CategoryRepository
    schedules: ScheduleRepository
    norms: NormRepository
    charges: ChargeRepository
    ledger: LedgerRepository
    access: AccessProjection
    account_facts: AccountFactsProjection
    suppliers: SupplierProjection
    audit: AuditLog

    def _open_repositories(self, session) -> None:
        self.access = AccessProjection(session, account_access)
        self.account_facts = AccountFactsProjection(session)
        self.suppliers = SupplierProjection(session)
        self.tariffs = TariffRepository(session)
        self.categories = CategoryRepository(session)
        self.schedules = ScheduleRepository(session)
        self.norms = NormRepository(session)
        self.charges = ChargeRepository(session)
        self.ledger = LedgerRepository(session)
        self.audit = AuditLog(session, audit_log)
