"""Who may touch which account, as a service's own projection of accounts' bindings.

accounts owns the bindings and answers CheckAccess; a service that is asked
about accounts often keeps this projection (fed by accounts.account.bound /
unbound, the newest event by occurred_at wins) and serves positive hits from
it, asking accounts only on a miss. An unbinding therefore takes effect here as
soon as its event is consumed (milliseconds), a binding at once (the miss path).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, DateTime, MetaData, Table, select
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.orm import Session

from kit.events import Event, field_uuid

BOUND = "accounts.account.bound"
UNBOUND = "accounts.account.unbound"


def access_table(metadata: MetaData) -> Table:
    """The projection's table, in the service's own metadata (its migrations create it)."""
    return Table(
        "account_access", metadata,
        Column("user_id", UUID(as_uuid=False), primary_key=True),
        Column("account_id", UUID(as_uuid=False), primary_key=True),
        Column("bound", Boolean, nullable=False),
        Column("as_of", DateTime(timezone=True), nullable=False),
    )


class AccessProjection:
    def __init__(self, session: Session, table: Table) -> None:
        self.session = session
        self.table = table

    def is_bound(self, user_id: str, account_id: str) -> bool:
        t = self.table
        return self.session.execute(
            select(t.c.bound).where(t.c.user_id == user_id, t.c.account_id == account_id)).scalar() is True

    def put(self, user_id: str, account_id: str, *, bound: bool, as_of: dt.datetime) -> None:
        t = self.table
        stmt = insert(t).values(user_id=user_id, account_id=account_id, bound=bound, as_of=as_of)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=[t.c.user_id, t.c.account_id], set_={"bound": bound, "as_of": as_of},
            where=t.c.as_of < stmt.excluded.as_of))


def binding_handlers(projection_of) -> dict:
    """Consumer handlers for accounts.account.bound/unbound; `projection_of(uow)` -> AccessProjection."""
    def handle(bound: bool):
        def on_event(event: Event, uow) -> None:
            p = event.payload
            projection_of(uow).put(field_uuid(p.user_id, "user_id"), field_uuid(p.account_id, "account_id"),
                                   bound=bound, as_of=event.occurred_at)
        return on_event

    return {BOUND: handle(True), UNBOUND: handle(False)}


def create_access_table() -> None:
    """For a service's migration: the projection's table (version 1), written out like the kit's others."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        "account_access",
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("bound", sa.Boolean(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "account_id"),
    )
