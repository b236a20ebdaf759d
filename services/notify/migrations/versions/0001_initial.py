"""notify: inbox, deliveries and the dev outbox, plus the kit's outbox, processed events and dead letters.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kit.migrations import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def upgrade() -> None:
    create_kit_tables()
    op.create_table(
        "inbox",
        sa.Column("message_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index("inbox_user_created", "inbox", ["user_id", sa.literal_column("created_at DESC")])
    op.create_table(
        "deliveries",
        sa.Column("message_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint("channel IN ('sms', 'email')", name="deliveries_channel"),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="deliveries_status"),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index("deliveries_status_updated", "deliveries", ["status", "updated_at"])
    op.create_table(
        "dev_outbox",
        sa.Column("message_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), server_default="", nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index("dev_outbox_destination_sent", "dev_outbox",
                    ["destination", sa.literal_column("sent_at DESC")])
    op.create_index("dev_outbox_sent", "dev_outbox", [sa.literal_column("sent_at DESC")])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
