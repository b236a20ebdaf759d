"""auth: identity complete — names, lockout, staff TOTP, challenge links and resends, session
policy, social identities and OpenID Connect flows.

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
    for name, type_, kw in [
        ("requested_login", sa.Text(), {}),
        ("surname", sa.Text(), {}),
        ("first_name", sa.Text(), {}),
        ("patronymic", sa.Text(), {}),
        ("contact_phone", sa.Text(), {}),
        ("failed_logins", sa.Integer(), {"server_default": "0", "nullable": False}),
        ("locked_at", sa.DateTime(timezone=True), {}),
        ("password_changed_at", sa.DateTime(timezone=True), {}),
        ("role", sa.Text(), {}),
        ("totp_secret", sa.Text(), {}),
        ("totp_confirmed_at", sa.DateTime(timezone=True), {}),
        ("totp_last_step", sa.BigInteger(), {}),
    ]:
        op.add_column("users", sa.Column(name, type_, **kw))

    op.alter_column("codes", "user_id", existing_type=sa.UUID(as_uuid=False), nullable=True)
    op.add_column("codes", sa.Column("link_hash", sa.Text(), nullable=True))
    op.add_column("codes", sa.Column("sends", sa.Integer(), server_default="1", nullable=False))
    op.add_column("codes", sa.Column("last_sent_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                                     nullable=False))
    op.create_unique_constraint("codes_link_hash_key", "codes", ["link_hash"])

    op.add_column("sessions", sa.Column("method", sa.Text(), server_default="password", nullable=False))
    op.add_column("sessions", sa.Column("idle_seconds", sa.Integer(), server_default="3600", nullable=False))

    op.create_table(
        "social_identities",
        sa.Column("identity_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), server_default="", nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("identity_id"),
        sa.UniqueConstraint("provider", "subject"),
    )
    op.create_index(op.f("ix_social_identities_user_id"), "social_identities", ["user_id"], unique=False)
    op.create_table(
        "oidc_flows",
        sa.Column("state_hash", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("user_id", sa.UUID(as_uuid=False), nullable=True),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("nonce", sa.Text(), nullable=False),
        sa.Column("code_verifier", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("state_hash"),
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
