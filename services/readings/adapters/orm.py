"""Tables of the readings database."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, MetaData, Table, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID

from kit.access import access_table

metadata = MetaData()

readings = Table(
    "readings", metadata,
    Column("reading_id", UUID(as_uuid=False), primary_key=True),
    Column("account_id", UUID(as_uuid=False), nullable=False),
    Column("meter_id", UUID(as_uuid=False), nullable=False),
    # {"day": "1234.567", ...}: decimals as strings keep every digit exact
    Column("values", JSONB, nullable=False),
    Column("consumption", JSONB, nullable=False),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    Column("source", Text, nullable=False),
    Column("submitted_by", UUID(as_uuid=False)),
    Column("idempotency_key", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("submitted_by", "idempotency_key", name="readings_idempotency"),
)
Index("readings_meter_taken", readings.c.meter_id, readings.c.taken_at.desc())
Index("readings_account_taken", readings.c.account_id, readings.c.taken_at.desc())

# A projection of accounts' facts, fed by accounts.account.* events: who may touch which
# account, and the account's meters. Served on positive hits only; a miss asks accounts.
account_facts = Table(
    "account_facts", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("supplier_id", UUID(as_uuid=False), nullable=False),
    Column("category", Text, nullable=False),
    Column("automatic_metering", Boolean, nullable=False),
    Column("meters", JSONB, nullable=False),  # [{"meter_id", "zones", "digits", "ratio"}]
    Column("as_of", DateTime(timezone=True), nullable=False),
)

account_access = access_table(metadata)

# --- windows, plausibility, corrections, status (section: submission rules) ---

# --- the due flag and its reminders (section: due, batch, public) ---

# --- consumption series (section: consumption) ---
