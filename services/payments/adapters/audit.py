"""The staff audit log of payments: who did what to which entity, before and after, when."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from services.payments.adapters.orm import audit_log


class AuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, *, actor_id: str, roles: tuple[str, ...], action: str, entity: str, entity_id: str = "",
               before: dict | None = None, after: dict | None = None) -> None:
        self.session.execute(insert(audit_log).values(
            actor_id=actor_id, actor_roles=",".join(roles), action=action, entity=entity, entity_id=entity_id,
            before=before, after=after))

    def entries(self, *, entity: str = "", limit: int = 100) -> list[dict]:
        """Newest first."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if entity:
            query = query.where(audit_log.c.entity == entity)
        return [dict(r) for r in self.session.execute(query).mappings()]
