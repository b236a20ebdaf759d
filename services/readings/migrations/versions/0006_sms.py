"""readings: SMS readings — the supplier's SMS code in the suppliers projection, and the answered SMS.

A deployment that projected suppliers before this revision has sms_code NULL until their next
accounts.supplier.changed; re-reading the stream once (delete the durable "readings-suppliers") fills it:
the projection writes a supplier whose sms_code is NULL whatever the event's age.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects import postgresql  # noqa: F401

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("supplier_facts", sa.Column("sms_code", sa.Text(), nullable=True))
    op.create_index("supplier_facts_sms_code", "supplier_facts", ["sms_code"])
    op.create_table(
        "sms_messages",
        sa.Column("partner_id", postgresql.UUID(as_uuid=False), primary_key=True),
        sa.Column("message_id", sa.Text(), primary_key=True),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("reading_id", postgresql.UUID(as_uuid=False), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
