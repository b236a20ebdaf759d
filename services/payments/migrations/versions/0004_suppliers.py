"""payments: the projection of suppliers' facts (accounts.supplier.changed).

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
        "suppliers",
        sa.Column("supplier_id", sa.UUID(as_uuid=False), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False)
          for name in ("name", "inn", "kpp", "bank_name", "bic", "settlement_account", "correspondent_account",
                       "timezone")),
        sa.Column("payment_due_day", sa.SmallInteger(), nullable=True),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("supplier_id"),
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
