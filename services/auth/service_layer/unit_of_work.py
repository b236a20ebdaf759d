from __future__ import annotations

from kit.audit import AuditLog
from kit.db import UnitOfWork
from services.auth.adapters import events
from services.auth.adapters.orm import audit_log
from services.auth.adapters.partner_store import Partners
from services.auth.adapters.repository import Challenges, Sessions, SigningKeys, SocialLinks, Users
from services.auth.domain.events import AuthEvent


class AuthUnitOfWork(UnitOfWork):
    users: Users
    challenges: Challenges
    sessions: Sessions
    social: SocialLinks
    keys: SigningKeys
    partners: Partners
    audit: AuditLog

    def _open_repositories(self, session) -> None:
        self.users = Users(session)
        self.challenges = Challenges(session)
        self.sessions = Sessions(session)
        self.social = SocialLinks(session)
        self.keys = SigningKeys(session)
        self.partners = Partners(session)
        self.audit = AuditLog(session, audit_log)

    def emit(self, event: AuthEvent) -> None:
        """Use cases record domain events; they leave through the outbox as auth.proto messages."""
        super().emit(events.outbound(event))
