from __future__ import annotations

from kit.db import UnitOfWork
from services.auth.adapters.repository import AuthRepository


class AuthUnitOfWork(UnitOfWork):
    auth: AuthRepository

    def _open_repositories(self, session) -> None:
        self.auth = AuthRepository(session)
