"""payments: card payments through the provider (payments, their items, provider notifications).

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UUID = sa.UUID(as_uuid=False)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "card_payments",
        sa.Column("payment_id", UUID, primary_key=True),
        sa.Column("user_id", UUID, nullable=True),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False, server_default="yookassa"),
        sa.Column("provider_payment_id", sa.Text(), nullable=False, unique=True),
        sa.Column("idempotency_scope", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        sa.Column("request_hash", sa.Text(), nullable=False),
        sa.Column("confirmation_url", sa.Text(), nullable=True),
        sa.Column("receipt_contact", JSONB, nullable=False),
        sa.Column("receipt", JSONB, nullable=True),
        sa.Column("save_card", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("method_id", sa.Text(), nullable=True),
        sa.Column("card", sa.Text(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("cancel_message", sa.Text(), nullable=True),
        sa.Column("refunded_kop", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("succeeded_at", TS, nullable=True),
        sa.CheckConstraint("channel IN ('cabinet', 'public', 'autopay')", name="card_payments_channel"),
        sa.CheckConstraint("status IN ('pending', 'succeeded', 'canceled')", name="card_payments_status"),
        sa.CheckConstraint("amount_kop > 0", name="card_payments_amount"),
        sa.UniqueConstraint("idempotency_scope", "idempotency_key", name="card_payments_idempotency"),
    )
    op.create_index("card_payments_user", "card_payments", ["user_id", "created_at"])
    op.create_index("card_payments_pending", "card_payments", ["created_at"],
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_table(
        "card_payment_items",
        sa.Column("payment_id", UUID, sa.ForeignKey("card_payments.payment_id"), primary_key=True),
        sa.Column("account_id", UUID, primary_key=True),
        sa.Column("bucket", sa.Text(), primary_key=True),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.Column("account_number", sa.Text(), nullable=False, server_default=""),
        sa.CheckConstraint("amount_kop > 0", name="card_payment_items_amount"),
        sa.CheckConstraint("bucket IN ('energy', 'penalties')", name="card_payment_items_bucket"),
    )
    op.create_index("card_payment_items_account", "card_payment_items", ["account_id"])
    op.create_table(
        "card_refunds",
        sa.Column("refund_id", UUID, primary_key=True),
        sa.Column("payment_id", UUID, sa.ForeignKey("card_payments.payment_id"), nullable=False),
        sa.Column("account_id", UUID, nullable=False),
        sa.Column("bucket", sa.Text(), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.Column("provider_refund_id", sa.Text(), nullable=False, unique=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", UUID, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("amount_kop > 0", name="card_refunds_amount"),
    )
    op.create_index("card_refunds_payment", "card_refunds", ["payment_id"])
    op.create_table(
        "provider_notifications",
        sa.Column("notification_id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("object_id", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("source_ip", sa.Text(), nullable=False),
        sa.Column("received_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("attempts", sa.SmallInteger(), nullable=False, server_default=sa.text("0")),
        sa.Column("next_attempt_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("processed_at", TS, nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
    )
    op.create_index("provider_notifications_todo", "provider_notifications", ["next_attempt_at"],
                    postgresql_where=sa.text("processed_at IS NULL"))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
