"""payments: saved cards and autopay.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UUID = sa.UUID(as_uuid=False)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "saved_cards",
        sa.Column("card_id", UUID, primary_key=True),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("method_id", sa.Text(), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False)
          for name in ("title", "last4", "first6", "expiry_month", "expiry_year", "card_type")),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("deleted_at", TS, nullable=True),
        sa.UniqueConstraint("user_id", "method_id", name="saved_cards_one_per_method"),
    )
    op.create_table(
        "autopays",
        sa.Column("account_id", UUID, primary_key=True),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("card_id", UUID, sa.ForeignKey("saved_cards.card_id"), nullable=False),
        sa.Column("day", sa.SmallInteger(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("cap_kop", sa.BigInteger(), nullable=False),
        sa.Column("receipt_email", sa.Text(), nullable=False, server_default=""),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("off_reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("activated_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("day BETWEEN 1 AND 28", name="autopays_day"),
        sa.CheckConstraint("mode IN ('fixed', 'amount_due')", name="autopays_mode"),
        sa.CheckConstraint("cap_kop > 0 AND amount_kop >= 0", name="autopays_amounts"),
    )
    op.create_table(
        "autopay_confirmations",
        sa.Column("token_hash", sa.Text(), primary_key=True),
        sa.Column("account_id", UUID, nullable=False),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("settings", JSONB(), nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
    )
    op.create_index("autopay_confirmations_account", "autopay_confirmations", ["account_id", "created_at"])
    op.create_table(
        "autopay_runs",
        sa.Column("account_id", UUID, primary_key=True),
        sa.Column("period", sa.Date(), primary_key=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("attempt", sa.SmallInteger(), nullable=False, server_default="0"),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("card_id", UUID, nullable=True),
        sa.Column("energy_kop", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("penalties_kop", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("payment_id", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("status IN ('charging', 'retry', 'paid', 'skipped', 'failed')",
                           name="autopay_runs_status"),
    )
    op.create_index("autopay_runs_due", "autopay_runs", ["status", "next_attempt_at"])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
