"""notify: (dispatch) the providers' token buckets, delivery reports and times in `deliveries`, the indexes of the
dispatcher and of staff's view of deliveries.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("provider", sa.Text(), primary_key=True),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.add_column("deliveries", sa.Column("provider_id", sa.Text(), nullable=False, server_default=""))
    op.add_column("deliveries", sa.Column("report", sa.Text(), nullable=False, server_default=""))
    op.add_column("deliveries", sa.Column("report_error", sa.Text(), nullable=False, server_default=""))
    op.add_column("deliveries", sa.Column("sent_at", sa.DateTime(timezone=True)))
    op.add_column("deliveries", sa.Column("reported_at", sa.DateTime(timezone=True)))
    op.create_check_constraint("deliveries_report", "deliveries", "report IN ('', 'delivered', 'undeliverable')")
    op.create_index("deliveries_created", "deliveries", ["created_at", "message_id"])
    op.create_index("deliveries_destination", "deliveries", ["destination", "created_at"])
    op.create_index("outgoing_created", "outgoing", ["created_at", "message_id"])
    op.create_index("outgoing_destination", "outgoing", ["destination", "created_at"])
    op.create_index("outgoing_sending", "outgoing", ["updated_at"], postgresql_where=sa.text("status = 'sending'"))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
