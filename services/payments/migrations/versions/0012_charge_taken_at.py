"""payments: a preliminary charge keeps when its reading was taken — the order of a meter's readings (the
charges of one consumer batch share their posting time). Older rows keep null: they were posted one at a time,
in order, and are ordered by their posting.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("charges", sa.Column("taken_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("charges", "taken_at")
