"""The staff audit log of a service: who (with which roles) did what to which entity, before and after, when.

Every service whose data staff change keeps one, in its own database (its migrations create the table from
`audit_table`); the service layer records each staff call through `AuditLog`."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, MetaData, Table, Text, func, insert, select
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Session


def audit_table(metadata: MetaData) -> Table:
    """The audit log's table, in the service's own metadata."""
    table = Table(
        "audit_log", metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("actor_id", UUID(as_uuid=False), nullable=False),
        Column("actor_roles", Text, nullable=False, server_default=""),
        Column("action", Text, nullable=False),
        Column("entity", Text, nullable=False),
        Column("entity_id", Text, nullable=False, server_default=""),
        Column("before", JSONB),
        Column("after", JSONB),
    )
    Index("audit_log_entity", table.c.entity, table.c.entity_id, table.c.at)
    Index("audit_log_actor", table.c.actor_id, table.c.at)
    return table


class AuditLog:
    def __init__(self, session: Session, table: Table) -> None:
        self.session = session
        self.table = table

    def record(self, *, actor_id: str, roles: tuple[str, ...], action: str, entity: str, entity_id: str = "",
               before: dict | None = None, after: dict | None = None) -> None:
        self.session.execute(insert(self.table).values(
            actor_id=actor_id, actor_roles=",".join(roles), action=action, entity=entity, entity_id=entity_id,
            before=before, after=after))

    def entries(self, *, entity: str = "", entity_id: str = "", actor_id: str = "", limit: int = 100) -> list[dict]:
        """Newest first, filtered by whatever is given."""
        t = self.table
        query = select(t)
        for column, value in ((t.c.entity, entity), (t.c.entity_id, entity_id), (t.c.actor_id, actor_id)):
            if value:
                query = query.where(column == value)
        return [dict(r) for r in self.session.execute(query.order_by(t.c.id.desc()).limit(limit)).mappings()]
