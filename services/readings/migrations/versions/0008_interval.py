"""readings: interval (hourly) profiles of legal entities.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interval_profiles",
        sa.Column("profile_id", postgresql.UUID(as_uuid=False), primary_key=True),
        sa.Column("account_id", postgresql.UUID(as_uuid=False), nullable=False),
        sa.Column("meter_id", postgresql.UUID(as_uuid=False), nullable=False),
        sa.Column("supplier_id", postgresql.UUID(as_uuid=False), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("ratio", sa.Numeric(12, 4), nullable=False),
        sa.Column("total_kwh", sa.Numeric(20, 7), nullable=False),
        sa.Column("hours", sa.SmallInteger(), nullable=False),
        sa.Column("hourly_kwh", postgresql.ARRAY(sa.Numeric(20, 7)), nullable=False),
        sa.Column("digest", sa.Text(), nullable=False),
        sa.Column("submitted_by", postgresql.UUID(as_uuid=False), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", postgresql.UUID(as_uuid=False)),
        sa.Column("reason", sa.Text()),
    )
    op.create_index("interval_profiles_live", "interval_profiles", ["meter_id", "period"], unique=True,
                    postgresql_where=sa.text("status IN ('pending', 'accepted')"))
    op.create_index("interval_profiles_account_period", "interval_profiles", ["account_id", sa.text("period DESC")])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
