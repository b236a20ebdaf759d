"""notify: the outgoing queue of the notification catalogue, projections of accounts' facts, the staff audit log.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outgoing",
        sa.Column("message_id", sa.UUID(as_uuid=False), primary_key=True),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("user_id", sa.UUID(as_uuid=False)),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False, server_default=""),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False, server_default=""),
        sa.Column("unsubscribe_url", sa.Text(), nullable=False, server_default=""),
        sa.Column("time_zone", sa.Text(), nullable=False, server_default="Europe/Moscow"),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("status", sa.Text(), nullable=False, server_default="queued"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("channel IN ('sms', 'email')", name="outgoing_channel"),
    )
    op.create_index("outgoing_due", "outgoing", ["channel", "not_before"],
                    postgresql_where=sa.text("status = 'queued'"))
    op.create_table(
        "account_users",
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "user_id"),
    )
    op.create_index("account_users_user", "account_users", ["user_id"])
    op.create_table(
        "account_facts",
        sa.Column("account_id", sa.UUID(as_uuid=False), primary_key=True),
        sa.Column("supplier_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("number", sa.Text(), nullable=False, server_default=""),
        sa.Column("category", sa.Text(), nullable=False, server_default=""),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("account_facts_supplier", "account_facts", ["supplier_id", "account_id"])
    op.create_table(
        "supplier_facts",
        sa.Column("supplier_id", sa.UUID(as_uuid=False), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False, server_default=""),
        sa.Column("time_zone", sa.Text(), nullable=False, server_default="Europe/Moscow"),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("actor_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("actor_roles", sa.Text(), nullable=False, server_default=""),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False, server_default=""),
        sa.Column("before", JSONB()),
        sa.Column("after", JSONB()),
    )
    op.create_index("audit_log_entity", "audit_log", ["entity", "entity_id", "at"])
    op.create_index("audit_log_actor", "audit_log", ["actor_id", "at"])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
