"""accounts: a meter number is unique within its account (the registry import's key).

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_unique_constraint("meters_account_number", "meters", ["account_id", "number"])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
