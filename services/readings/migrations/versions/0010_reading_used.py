"""readings: the consumption of all zones together on each reading, and the index of a meter's counted readings
the plausibility check's summary and the previous reading are read from (no backfill: older rows are computed
from `consumption` by the query).

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
    op.add_column("readings", sa.Column("used", sa.Numeric(), nullable=True))
    op.create_index("readings_meter_counted", "readings", ["meter_id", "taken_at", "created_at"],
                    postgresql_include=["used"], postgresql_where=sa.text("status IN ('accepted', 'billed')"))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
