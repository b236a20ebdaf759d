"""payments: tariffs, charges and the ledger, plus the kit's outbox, processed events and dead letters.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kit.migrations import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def upgrade() -> None:
    create_kit_tables()
    op.create_table(
        "tariffs",
        sa.Column("tariff_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("supplier_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("tariff_id"),
        sa.UniqueConstraint("supplier_id", "category", "valid_from", name="tariffs_in_force_from"),
    )
    op.create_table(
        "tariff_prices",
        sa.Column("tariff_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("zones", sa.SmallInteger(), nullable=False),
        sa.Column("zone", sa.Text(), nullable=False),
        sa.Column("price_rub", sa.Numeric(12, 4), nullable=False),
        sa.CheckConstraint("zones BETWEEN 1 AND 3", name="tariff_prices_zones"),
        sa.CheckConstraint("price_rub >= 0", name="tariff_prices_price"),
        sa.ForeignKeyConstraint(["tariff_id"], ["tariffs.tariff_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tariff_id", "zones", "zone"),
    )
    op.create_table(
        "charges",
        sa.Column("charge_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("reading_id", sa.UUID(as_uuid=False), nullable=True),
        sa.Column("tariff_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('preliminary', 'final')", name="charges_kind"),
        sa.ForeignKeyConstraint(["tariff_id"], ["tariffs.tariff_id"]),
        sa.PrimaryKeyConstraint("charge_id"),
        sa.UniqueConstraint("reading_id", "kind", name="charges_one_per_reading"),
    )
    op.create_index("charges_account_posted", "charges", ["account_id", sa.literal_column("posted_at DESC")])
    op.create_table(
        "charge_lines",
        sa.Column("charge_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("zone", sa.Text(), nullable=False),
        sa.Column("consumption", sa.Numeric(), nullable=False),
        sa.Column("ratio", sa.Numeric(), nullable=False),
        sa.Column("price_rub", sa.Numeric(12, 4), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["charge_id"], ["charges.charge_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("charge_id", "position"),
    )
    op.create_table(
        "ledger",
        sa.Column("entry_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.Column("charge_id", sa.UUID(as_uuid=False), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint("kind IN ('opening', 'charge', 'payment', 'penalty', 'adjustment')",
                           name="ledger_kind"),
        sa.ForeignKeyConstraint(["charge_id"], ["charges.charge_id"]),
        sa.PrimaryKeyConstraint("entry_id"),
        sa.UniqueConstraint("charge_id"),
    )
    op.create_index("ledger_account_posted", "ledger", ["account_id", "posted_at"])
    op.create_index("ledger_one_opening", "ledger", ["account_id"], unique=True,
                    postgresql_where=sa.text("kind = 'opening'"))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
