"""accounts: initial schema, plus the kit's outbox, processed events and dead letters.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kit.migrations import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_kit_tables()
    op.create_table(
        "bind_attempts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("number_key", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("bind_attempts_number", "bind_attempts", ["number_key", "at"], unique=False)
    op.create_index("bind_attempts_user", "bind_attempts", ["user_id", "at"], unique=False)
    op.create_table(
        "groups",
        sa.Column("group_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("group_id"),
    )
    op.create_index(op.f("ix_groups_user_id"), "groups", ["user_id"], unique=False)
    op.create_table(
        "suppliers",
        sa.Column("supplier_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("inn", sa.Text(), nullable=False),
        sa.Column("sms_code", sa.Text(), nullable=False),
        sa.Column("timezone", sa.Text(), server_default="Europe/Moscow", nullable=False),
        sa.Column("bank", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("services", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.PrimaryKeyConstraint("supplier_id"),
        sa.UniqueConstraint("sms_code"),
    )
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("supplier_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("number_key", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("holder", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("automatic_metering", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("premise", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("bill_delivery", sa.Text(), server_default="paper", nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.supplier_id"],
        ),
        sa.PrimaryKeyConstraint("account_id"),
        sa.UniqueConstraint("supplier_id", "number_key", name="accounts_number"),
    )
    op.create_index("accounts_number_key", "accounts", ["number_key"], unique=False)
    op.create_table(
        "bindings",
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("group_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("alias", sa.Text(), server_default="", nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.account_id"],
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.group_id"],
        ),
        sa.PrimaryKeyConstraint("user_id", "account_id"),
    )
    op.create_index("bindings_account", "bindings", ["account_id"], unique=False)
    op.create_table(
        "meters",
        sa.Column("meter_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("zones", sa.Integer(), nullable=False),
        sa.Column("digits", sa.Integer(), nullable=False),
        sa.Column("ratio", sa.Numeric(precision=12, scale=4), server_default="1", nullable=False),
        sa.Column("verification_due", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.account_id"],
        ),
        sa.PrimaryKeyConstraint("meter_id"),
    )
    op.create_index(op.f("ix_meters_account_id"), "meters", ["account_id"], unique=False)
    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.account_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_id"),
    )
    op.create_index(op.f("ix_payments_account_id"), "payments", ["account_id"], unique=False)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
