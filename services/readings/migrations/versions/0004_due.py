"""readings: the due flag's reminders, planned once per account and period.

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
    op.create_table(
        "readings_due_notices",
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("supplier_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "period", "kind"),
    )
    op.create_table(
        "readings_due_runs",
        sa.Column("supplier_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("supplier_id", "kind", "day"),
    )
    op.create_index("account_facts_supplier", "account_facts", ["supplier_id", "account_id"])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
