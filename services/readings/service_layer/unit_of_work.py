"""The readings unit of work: one transaction, its repositories and its outbox."""

from __future__ import annotations

from kit.db import UnitOfWork
from services.readings.adapters.projection import AccountsProjection
from services.readings.adapters.repository import ReadingRepository


class ReadingsUnitOfWork(UnitOfWork):
    readings: ReadingRepository
    accounts: AccountsProjection

    def _open_repositories(self, session) -> None:
        self.readings = ReadingRepository(session)
        self.accounts = AccountsProjection(session)
