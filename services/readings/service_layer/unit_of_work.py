"""The readings unit of work: one transaction, its repositories and its outbox."""

from __future__ import annotations

from kit.access import AccessProjection
from kit.db import UnitOfWork
from services.readings.adapters.orm import account_access
from services.readings.adapters.projection import AccountsProjection
from services.readings.adapters.repository import ReadingRepository


class ReadingsUnitOfWork(UnitOfWork):
    readings: ReadingRepository
    accounts: AccountsProjection
    access: AccessProjection

    def _open_repositories(self, session) -> None:
        self.readings = ReadingRepository(session)
        self.accounts = AccountsProjection(session)
        self.access = AccessProjection(session, account_access)
