"""payments: a preliminary charge replaced by the charge of a corrected reading (readings.reading.corrected).

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("charges", sa.Column("replaced_by", sa.UUID(as_uuid=False), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
