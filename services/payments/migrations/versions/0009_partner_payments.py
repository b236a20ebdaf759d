"""payments: partner payments, bank registries and reconciliation.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UUID = sa.UUID(as_uuid=False)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "partner_payments",
        sa.Column("payment_id", UUID, primary_key=True),
        sa.Column("partner_id", sa.Text(), nullable=False),
        sa.Column("txn_id", sa.Text(), nullable=False),
        sa.Column("supplier_id", UUID, nullable=False),
        sa.Column("account_id", UUID, nullable=False),
        sa.Column("account_number", sa.Text(), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.Column("energy_kop", sa.BigInteger(), nullable=False),
        sa.Column("penalties_kop", sa.BigInteger(), nullable=False),
        sa.Column("paid_at", TS, nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("posted_at", TS, nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("canceled_at", TS),
        sa.Column("entry_ids", JSONB, nullable=False, server_default="[]"),
        sa.Column("cancel_entry_ids", JSONB, nullable=False, server_default="[]"),
        sa.Column("request_hash", sa.Text(), nullable=False),
        sa.Column("registry_id", UUID),
        sa.CheckConstraint("status IN ('succeeded', 'canceled')", name="partner_payments_status"),
        sa.CheckConstraint("amount_kop > 0 AND energy_kop >= 0 AND penalties_kop >= 0 "
                           "AND energy_kop + penalties_kop = amount_kop", name="partner_payments_amounts"),
        sa.UniqueConstraint("partner_id", "txn_id", name="partner_payments_txn"),
    )
    op.create_index("partner_payments_day", "partner_payments", ["partner_id", "supplier_id", "paid_on"])

    op.create_table(
        "bank_registries",
        sa.Column("registry_id", UUID, primary_key=True),
        sa.Column("partner_id", sa.Text(), nullable=False),
        sa.Column("supplier_id", UUID, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("registry_date", sa.Date(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("total_kop", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False, server_default="reconciled"),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        *(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")
          for name in ("matched", "missing_in_ledger", "posted", "missing_in_registry", "amount_mismatch",
                       "matched_kop", "posted_kop")),
        sa.CheckConstraint("source IN ('partner', 'staff')", name="bank_registries_source"),
        sa.UniqueConstraint("partner_id", "sha256", name="bank_registries_file"),
    )
    op.create_index("bank_registries_created", "bank_registries", [sa.text("created_at DESC")])

    op.create_table(
        "bank_registry_rows",
        sa.Column("registry_id", UUID, sa.ForeignKey("bank_registries.registry_id"), primary_key=True),
        sa.Column("line", sa.BigInteger(), primary_key=True),
        sa.Column("txn_id", sa.Text(), nullable=False),
        sa.Column("account_number", sa.Text(), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.Column("paid_at", TS, nullable=False),
        sa.Column("payer", sa.Text(), nullable=False, server_default=""),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("payment_id", UUID),
        sa.Column("ledger_kop", sa.BigInteger()),
    )
    op.create_table(
        "bank_registry_absent",
        sa.Column("registry_id", UUID, sa.ForeignKey("bank_registries.registry_id"), primary_key=True),
        sa.Column("payment_id", UUID, sa.ForeignKey("partner_payments.payment_id"), primary_key=True),
    )
    op.create_index("account_facts_number", "account_facts", ["supplier_id", "number"])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
