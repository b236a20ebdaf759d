"""payments: the notices the daily accrual tells, once each — an energy debt overdue (account × due date,
payments.debt.overdue) and a month's penalties (account × month, payments.penalties.accrued); penalty accruals by
day.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "debt_overdue_notices",
        sa.Column("account_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("due_on", sa.Date, primary_key=True),
        sa.Column("overdue_kop", sa.BigInteger, nullable=False),
        sa.Column("amount_due_kop", sa.BigInteger, nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "penalty_notices",
        sa.Column("account_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("period", sa.Date, primary_key=True),
        sa.Column("amount_kop", sa.BigInteger, nullable=False),
        sa.Column("penalties_due_kop", sa.BigInteger, nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    # a month's accruals by day (MONTH reads the month's, not every day's since the first accrual)
    op.create_index("penalty_accruals_day", "penalty_accruals", ["day"])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
