"""notify: (notifications) inbox read state, preferences, one-click unsubscribe, the newest-wins log of bindings.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the bell: unread messages of a user, counted without reading the rest
    op.create_index("inbox_unread", "inbox", ["user_id"], postgresql_where=sa.text("read_at IS NULL"))
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("user_id", "category", "channel"),
        sa.CheckConstraint("channel IN ('sms', 'email')", name="notification_preferences_channel"),
    )
    op.create_table(
        "unsubscribe_uses",
        sa.Column("message_id", sa.UUID(as_uuid=False), primary_key=True),
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "account_bindings",
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("bound", sa.Boolean(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "user_id"),
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
