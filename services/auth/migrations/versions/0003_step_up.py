"""auth: no lock, a step-up — an account locked by the previous version (locked_at set) is an
account under step-up: at least 100 consecutive failures, so its right password must be followed
by a one-time code. `locked_at` is no longer used and stays for one release (expand/contract).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STEP_UP_AFTER = 100  # services.auth.domain.users.STEP_UP_AFTER when this was written


def upgrade() -> None:
    op.execute(f"UPDATE users SET failed_logins = GREATEST(failed_logins, {STEP_UP_AFTER}) "
               "WHERE locked_at IS NOT NULL")


def downgrade() -> None:
    pass  # data only: locked_at was left as it was, so the previous version still sees its locks
