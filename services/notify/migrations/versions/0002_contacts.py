"""notify: the projection of customers' verified contacts (auth.contact.verified), for e-mailing invoices.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("channel IN ('sms', 'email')", name="contacts_channel"),
        sa.PrimaryKeyConstraint("user_id", "channel"),
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
