"""readings: suppliers' windows, plausibility flags, corrections, statuses (and the audit log).

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("readings", sa.Column("period", sa.Date(), nullable=True))
    op.add_column("readings", sa.Column("status", sa.Text(), server_default="accepted", nullable=False))
    op.add_column("readings", sa.Column("supplier_id", sa.UUID(as_uuid=False), nullable=True))
    op.add_column("readings", sa.Column("flag_reason", sa.Text(), nullable=True))
    op.add_column("readings", sa.Column("corrects", sa.UUID(as_uuid=False), nullable=True))
    op.add_column("readings", sa.Column("reason", sa.Text(), nullable=True))
    # Readings stored before: their Moscow month; the supplier from the projection; the registry's are billed.
    op.execute("UPDATE readings SET period = date_trunc('month', taken_at AT TIME ZONE 'Europe/Moscow')::date")
    op.execute("UPDATE readings r SET supplier_id = f.supplier_id FROM account_facts f WHERE f.account_id = r.account_id")
    op.execute("UPDATE readings SET status = 'billed' WHERE source IN ('registry', 'seed')")
    op.alter_column("readings", "period", nullable=False)
    op.create_index("readings_account_period", "readings", ["account_id", "period"])
    op.create_index("readings_supplier_period_accepted", "readings", ["supplier_id", "period"],
                    postgresql_where=sa.text("status = 'accepted'"))
    op.create_table(
        "supplier_facts",
        sa.Column("supplier_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("window_from_day", sa.SmallInteger(), nullable=False),
        sa.Column("window_to_day", sa.SmallInteger(), nullable=False),
        sa.Column("outside_policy", sa.Text(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("supplier_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("actor_roles", sa.Text(), server_default="", nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), server_default="", nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("audit_log_entity", "audit_log", ["entity", "entity_id", "at"])
    op.create_index("audit_log_actor", "audit_log", ["actor_id", "at"])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
