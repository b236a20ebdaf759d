"""notify: (care) news, outage notices, feedback «Отправить сообщение» with attachments and replies.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UUID = sa.UUID(as_uuid=False)
AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "news",
        sa.Column("news_id", UUID, primary_key=True),
        sa.Column("supplier_id", UUID),  # NULL: every supplier
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("published_at", AT),
        sa.Column("created_by", UUID, nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("updated_at", AT, nullable=False),
        sa.CheckConstraint("audience IN ('all', 'households', 'legal')", name="news_audience"),
        sa.CheckConstraint("status IN ('draft', 'published', 'withdrawn')", name="news_status"),
    )
    op.create_index("news_published", "news", [sa.text("published_at DESC"), sa.text("news_id DESC")],
                    postgresql_where=sa.text("status = 'published'"))
    op.create_index("news_staff", "news", [sa.text("created_at DESC")])
    op.create_table(
        "outage_notices",
        sa.Column("notice_id", UUID, primary_key=True),
        sa.Column("supplier_id", UUID),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("starts_at", AT, nullable=False),
        sa.Column("ends_at", AT),
        sa.Column("created_by", UUID, nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.CheckConstraint("severity IN ('info', 'warning')", name="outage_notices_severity"),
    )
    op.create_index("outage_notices_ends", "outage_notices", ["ends_at"])
    op.create_table(
        "feedback",
        sa.Column("feedback_id", UUID, primary_key=True),
        sa.Column("number", sa.BigInteger(), sa.Identity(always=True), nullable=False, unique=True),  # «№ 17»
        sa.Column("user_id", UUID),  # NULL: sent without signing in
        sa.Column("account_id", UUID),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False, server_default=""),
        sa.Column("email", sa.Text(), nullable=False, server_default=""),
        sa.Column("phone", sa.Text(), nullable=False, server_default=""),
        sa.Column("address", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("author_key", sa.Text(), nullable=False),  # whose idempotency keys: "u:<user>" / "c:<contacts>"
        sa.Column("idempotency_key", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("updated_at", AT, nullable=False),
        sa.CheckConstraint("status IN ('new', 'in_progress', 'answered', 'closed')", name="feedback_status"),
    )
    op.create_index("feedback_idempotency", "feedback", ["author_key", "idempotency_key"], unique=True,
                    postgresql_where=sa.text("idempotency_key <> ''"))
    op.create_index("feedback_user", "feedback", ["user_id", sa.text("created_at DESC")])
    op.create_index("feedback_queue", "feedback", ["status", "created_at"])
    op.create_table(
        "feedback_attachments",
        sa.Column("feedback_id", UUID, sa.ForeignKey("feedback.feedback_id"), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("feedback_id", "n"),
    )
    op.create_table(
        "feedback_replies",
        sa.Column("reply_id", UUID, primary_key=True),
        sa.Column("feedback_id", UUID, sa.ForeignKey("feedback.feedback_id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("staff_id", UUID, nullable=False),
        sa.Column("created_at", AT, nullable=False),
    )
    op.create_index("feedback_replies_feedback", "feedback_replies", ["feedback_id", "created_at"])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
