"""payments: a preliminary charge's line keeps the meter's value it was read at, and the charge its meter,
so that the invoice shows the readings at the start and the end of the period.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("charge_lines", sa.Column("reading", sa.Numeric(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
