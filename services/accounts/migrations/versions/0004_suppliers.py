"""accounts: suppliers as master data staff edit — КПП, bank details as columns (moved out of the
`bank` JSON), the readings window and its policy, the payment due day, when created and changed.

Rows entered before get what they did not have: an empty КПП (staff fill it in), a readings window
open all month (nothing refused, as before), bills due on the 10th.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    for name in ("kpp", "bank_name", "bic", "settlement_account", "correspondent_account"):
        op.add_column("suppliers", sa.Column(name, sa.Text(), server_default="", nullable=False))
    op.execute("""
        UPDATE suppliers SET
          bank_name = coalesce(bank->>'bank_name', ''),
          bic = coalesce(bank->>'bik', bank->>'bic', ''),
          settlement_account = coalesce(bank->>'account', bank->>'settlement_account', ''),
          correspondent_account = coalesce(bank->>'corr_account', bank->>'correspondent_account', '')
    """)
    op.drop_column("suppliers", "bank")
    op.add_column("suppliers", sa.Column("readings_from_day", sa.Integer(), server_default="1", nullable=False))
    op.add_column("suppliers", sa.Column("readings_to_day", sa.Integer(), server_default="31", nullable=False))
    op.add_column("suppliers", sa.Column("readings_outside", sa.Text(), server_default="refuse", nullable=False))
    op.add_column("suppliers", sa.Column("payment_due_day", sa.Integer(), server_default="10", nullable=False))
    op.add_column("suppliers", sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False))
    op.add_column("suppliers", sa.Column("updated_at", TS, server_default=sa.text("now()"), nullable=False))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
