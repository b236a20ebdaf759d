"""readings: the АИИС КУЭ feed and hourly values.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hourly_values",
        sa.Column("meter_id", postgresql.UUID(as_uuid=False), primary_key=True),
        sa.Column("hour_start", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("account_id", postgresql.UUID(as_uuid=False), nullable=False),
        sa.Column("kwh", sa.Numeric(20, 7), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("hourly_values_account_hour", "hourly_values", ["account_id", "hour_start"])
    op.create_index("account_facts_meter_numbers", "account_facts",
                    [sa.text("jsonb_path_query_array(meters, '$[*].number')")], postgresql_using="gin")


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
