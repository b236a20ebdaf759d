"""auth: when a session's password was last entered (the access token's auth_time, for step-up).

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
    op.add_column("sessions", sa.Column("authenticated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE sessions SET authenticated_at = created_at")
    op.alter_column("sessions", "authenticated_at", nullable=False, server_default=sa.func.now())


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
