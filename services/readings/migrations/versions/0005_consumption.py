"""readings: what the consumption series needs — nothing new yet.

The monthly series is one range scan of the account's readings on readings_account_taken (account_id,
taken_at), a few dozen rows a year per account; no index of its own pays for its writes. Interval values
(hourly/daily profiles, issue 12) will come in a table of their own in a later revision.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Deliberately empty: see the module's docstring."""


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
