"""Alembic per service: each service keeps `migrations/` next to its code and its own database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.pool import NullPool

from kit.outbox import NOTIFY_CHANNEL, kit_metadata

MIGRATION_LOCK = 0x6B6D6967  # one migrator at a time per database

_NOTIFY_TRIGGER = f"""
CREATE OR REPLACE FUNCTION kit_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{NOTIFY_CHANNEL}', '');
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION kit_outbox_notify();
"""


def alembic_config(database_url: str, migrations_dir: Path) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, migrations_dir: Path, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url, migrations_dir), revision)


def run_env(metadata: MetaData) -> None:
    """The body of every service's migrations/env.py (online mode only).

    `metadata` is the service's tables; the kit's own tables are compared too,
    so autogenerate and the schema test see the whole database.
    """
    from alembic import context

    engine = create_engine(context.config.get_main_option("sqlalchemy.url"), poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
        conn.commit()
        context.configure(connection=conn, transactional_ddl=True, target_metadata=[kit_metadata, metadata],
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()
    engine.dispose()


def create_kit_tables() -> None:
    """Call from a service's first migration: outbox, processed_events, dead_letters (version 1).

    Written out (not `create_all`) so that this migration stays what it was when
    the kit tables change; such a change gets a function of its own here.
    """
    import sqlalchemy as sa
    from alembic import op
    from sqlalchemy.dialects.postgresql import UUID

    now = sa.text("now()")
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("id", UUID(as_uuid=False), nullable=False, unique=True),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("aggregate_id", sa.Text, nullable=False),
        sa.Column("envelope", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        sa.Column("published_at", sa.DateTime(timezone=True)),
    )
    op.create_index("outbox_unpublished", "outbox", ["seq"], postgresql_where=sa.text("published_at IS NULL"))
    op.execute(_NOTIFY_TRIGGER)
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.Text, nullable=False),
        sa.Column("event_id", UUID(as_uuid=False), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("consumer", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("event_id", sa.Text),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("deliveries", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=now),
    )
