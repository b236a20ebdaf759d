"""The payments unit of work: one transaction, its repositories and its outbox."""

from __future__ import annotations

from kit.access import AccessProjection
from kit.db import UnitOfWork
from services.payments.adapters.orm import account_access
from services.payments.adapters.repository import ChargeRepository, LedgerRepository, TariffRepository


class PaymentsUnitOfWork(UnitOfWork):
    tariffs: TariffRepository
    charges: ChargeRepository
    ledger: LedgerRepository
    access: AccessProjection

    def _open_repositories(self, session) -> None:
        self.access = AccessProjection(session, account_access)
        self.tariffs = TariffRepository(session)
        self.charges = ChargeRepository(session)
        self.ledger = LedgerRepository(session)
