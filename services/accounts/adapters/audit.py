"""The staff audit log: who did what to which entity, before and after, when."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from services.accounts.adapters.orm import audit_log


class AuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, *, actor_id: str, roles: tuple[str, ...], action: str, entity: str, entity_id: str = "",
               before: dict | None = None, after: dict | None = None) -> None:
        self.session.execute(insert(audit_log).values(
            actor_id=actor_id, actor_roles=",".join(roles), action=action, entity=entity, entity_id=entity_id,
            before=before, after=after))

    def entries(self, *, entity: str, entity_id: str, actor_id: str, limit: int) -> list[dict]:
        query = select(audit_log)
        if entity:
            query = query.where(audit_log.c.entity == entity)
        if entity_id:
            query = query.where(audit_log.c.entity_id == entity_id)
        if actor_id:
            query = query.where(audit_log.c.actor_id == actor_id)
        return [dict(r) for r in self.session.execute(query.order_by(audit_log.c.id.desc()).limit(limit)).mappings()]
