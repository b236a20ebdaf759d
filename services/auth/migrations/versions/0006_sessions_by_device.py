"""auth: a user's sessions by device — every customer sign-in asks whether the device is new to the user
(auth.user.signed_in); the sessions list is by user too.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sessions_user_device", "sessions", ["user_id", "device"])


def downgrade() -> None:
    op.drop_index("ix_sessions_user_device", table_name="sessions")
