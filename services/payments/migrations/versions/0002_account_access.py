"""payments: the projection of accounts' bindings (kit.access).

Revision ID: 0002
Revises: 0001
"""
from kit.access import create_access_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_table()


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
