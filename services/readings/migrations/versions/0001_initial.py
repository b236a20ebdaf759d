"""readings: initial schema, plus the kit's outbox, processed events and dead letters.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kit.migrations import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_kit_tables()
    op.create_table(
        "readings",
        sa.Column("reading_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("meter_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("values", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("consumption", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.UUID(as_uuid=False), nullable=True),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("reading_id"),
        sa.UniqueConstraint("submitted_by", "idempotency_key", name="readings_idempotency"),
    )
    op.create_index(
        "readings_account_taken", "readings", ["account_id", sa.literal_column("taken_at DESC")], unique=False
    )
    op.create_index(
        "readings_meter_taken", "readings", ["meter_id", sa.literal_column("taken_at DESC")], unique=False
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
