"""readings: the projection of accounts' facts (account_facts, account_access).

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kit.access import create_access_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_facts",
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("supplier_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("automatic_metering", sa.Boolean(), nullable=False),
        sa.Column("meters", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
    )
    create_access_table()


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
