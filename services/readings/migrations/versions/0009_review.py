"""readings: staff review of flagged readings (who decided, when, what and why) and the queue's index.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("readings", sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("readings", sa.Column("reviewed_by", postgresql.UUID(as_uuid=False), nullable=True))
    op.add_column("readings", sa.Column("review", sa.Text(), nullable=True))
    op.add_column("readings", sa.Column("review_reason", sa.Text(), nullable=True))
    # the queue: flagged readings only (a small share of all), in the order staff work through them
    op.create_index("readings_flagged", "readings", ["created_at", "reading_id"],
                    postgresql_where=sa.text("flag_reason IS NOT NULL"))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
