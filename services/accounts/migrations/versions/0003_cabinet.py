"""accounts: the cabinet — activation codes, contracts and their confirmation links,
service requests with history, the staff audit log, the customer's bill-delivery choice.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UUID = sa.UUID(as_uuid=False)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("accounts", sa.Column("customer_bill_delivery", sa.Text(), nullable=True))

    op.create_table(
        "activation_codes",
        sa.Column("code_hash", sa.Text(), nullable=False),
        sa.Column("account_id", UUID, nullable=False),
        sa.Column("issued_by", UUID, nullable=False),
        sa.Column("issued_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
        sa.Column("used_by", UUID, nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.account_id"]),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    op.create_index(op.f("ix_activation_codes_account_id"), "activation_codes", ["account_id"])

    op.create_table(
        "contracts",
        sa.Column("contract_id", UUID, nullable=False),
        sa.Column("supplier_id", UUID, nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("holder", sa.Text(), nullable=False),
        sa.Column("inn", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("emails", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("user_id", UUID, nullable=True),
        sa.Column("bound_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.supplier_id"]),
        sa.PrimaryKeyConstraint("contract_id"),
        sa.UniqueConstraint("supplier_id", "number", name="contracts_number"),
    )
    op.create_index("contracts_number_only", "contracts", ["number"])
    op.create_index(op.f("ix_contracts_user_id"), "contracts", ["user_id"])

    op.create_table(
        "contract_confirmations",
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("contract_id", UUID, nullable=False),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.contract_id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index(op.f("ix_contract_confirmations_contract_id"), "contract_confirmations", ["contract_id"])

    op.create_table(
        "service_requests",
        sa.Column("request_id", UUID, nullable=False),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("account_id", UUID, nullable=False),
        sa.Column("meter_id", UUID, nullable=True),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("preferred_from", TS, nullable=True),
        sa.Column("preferred_to", TS, nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.account_id"]),
        sa.ForeignKeyConstraint(["meter_id"], ["meters.meter_id"]),
        sa.PrimaryKeyConstraint("request_id"),
    )
    op.create_index(op.f("ix_service_requests_user_id"), "service_requests", ["user_id"])
    op.create_index(op.f("ix_service_requests_account_id"), "service_requests", ["account_id"])
    op.create_index("service_requests_status", "service_requests", ["status", "created_at"])

    op.create_table(
        "service_request_history",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("request_id", UUID, nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("actor_id", UUID, nullable=False),
        sa.Column("at", TS, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["service_requests.request_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_service_request_history_request_id"), "service_request_history", ["request_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("at", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("actor_id", UUID, nullable=False),
        sa.Column("actor_roles", sa.Text(), server_default="", nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), server_default="", nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("audit_log_entity", "audit_log", ["entity", "entity_id", "at"])
    op.create_index("audit_log_actor", "audit_log", ["actor_id", "at"])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
