"""Tables of the readings database."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from kit.access import access_table
from kit.audit import audit_table

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

# What a reading became (READING_STATUS), the period it counts for, its supplier (the billing run marks a
# supplier's period billed in one statement), the plausibility flag, the correction link.
for _column in (
    Column("period", Date, nullable=False),  # first day of the billing month
    Column("status", Text, nullable=False, server_default="accepted"),
    Column("supplier_id", UUID(as_uuid=False)),
    Column("flag_reason", Text),  # not NULL: confirmed by the customer despite the plausibility check
    Column("corrects", UUID(as_uuid=False)),  # the reading this one superseded
    Column("reason", Text),  # a staff correction's reason
):
    readings.append_column(_column)
Index("readings_account_period", readings.c.account_id, readings.c.period)
Index("readings_supplier_period_accepted", readings.c.supplier_id, readings.c.period,
      postgresql_where=readings.c.status == "accepted")

# The projection of suppliers' facts (accounts.supplier.changed): time zone and readings window.
supplier_facts = Table(
    "supplier_facts", metadata,
    Column("supplier_id", UUID(as_uuid=False), primary_key=True),
    Column("timezone", Text, nullable=False),
    Column("window_from_day", SmallInteger, nullable=False),
    Column("window_to_day", SmallInteger, nullable=False),
    Column("outside_policy", Text, nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),
)

audit_log = audit_table(metadata)  # staff corrections

# --- the due flag and its reminders (section: due, batch, public) ---

# One row per reminder planned: the scheduler inserts (account, period, kind) once — ON CONFLICT DO NOTHING
# makes a second run, or a concurrent one, plan nothing twice — with the readings.due event in the same
# transaction.
readings_due_notices = Table(
    "readings_due_notices", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("period", Date, primary_key=True),  # the first day of the month
    Column("kind", Text, primary_key=True),    # "opened" | "closing"
    Column("supplier_id", UUID(as_uuid=False), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
# A supplier's reminders of a kind are planned in full once per its local day (the worker's 10-minute ticks after
# that cost one lookup); accounts that arrive later that day are reminded on the next one.
readings_due_runs = Table(
    "readings_due_runs", metadata,
    Column("supplier_id", UUID(as_uuid=False), primary_key=True),
    Column("kind", Text, primary_key=True),
    Column("day", Date, primary_key=True),  # the supplier's local date
    Column("planned", Integer, nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
# the scheduler walks a supplier's accounts in id order, a chunk at a time
Index("account_facts_supplier", account_facts.c.supplier_id, account_facts.c.account_id)

# --- consumption series (section: consumption) ---

# --- SMS readings (section: sms) ---

# The supplier's SMS code (accounts' sms_code, "012"): an SMS reading names its supplier by it.
supplier_facts.append_column(Column("sms_code", Text))
Index("supplier_facts_sms_code", supplier_facts.c.sms_code)

# One row per incoming SMS answered, per SMS gateway (partner) and its message id: a re-delivered SMS finds
# its first answer here and nothing is stored or sent again. The reply event leaves in the row's transaction.
sms_messages = Table(
    "sms_messages", metadata,
    Column("partner_id", UUID(as_uuid=False), primary_key=True),
    Column("message_id", Text, primary_key=True),
    Column("phone", Text, nullable=False),
    Column("outcome", Text, nullable=False),   # domain/sms_replies.py: accepted, malformed, not_found, ...
    Column("reply", Text, nullable=False),     # the answer SMS
    Column("reading_id", UUID(as_uuid=False)),
    Column("answered_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# --- АИИС КУЭ, the automatic metering feed (section: metering) ---

# Hourly energy per meter, whatever brought it: the АИИС КУЭ feed (source "automatic", written by metering) and
# accepted interval profiles of legal entities (source "interval", written when staff accept a profile). The
# consumption series reads day and hour granularity from here. One value per meter and hour: a re-sent hour is
# stored once (ON CONFLICT). `hour_start` is the hour's first instant in UTC.
hourly_values = Table(
    "hourly_values", metadata,
    Column("meter_id", UUID(as_uuid=False), primary_key=True),
    Column("hour_start", DateTime(timezone=True), primary_key=True),
    Column("account_id", UUID(as_uuid=False), nullable=False),
    Column("kwh", Numeric(20, 7), nullable=False),
    Column("source", Text, nullable=False),  # READING_SOURCE.AUTOMATIC | "interval"
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("hourly_values_account_hour", hourly_values.c.account_id, hourly_values.c.hour_start)
# The feed names meters by the supplier and the number: the projection's meter numbers, indexed for `?|`.
Index("account_facts_meter_numbers", func.jsonb_path_query_array(account_facts.c.meters, "$[*].number"),
      postgresql_using="gin")

# --- interval (hourly) profiles of legal entities (section: interval profiles) ---

# Первичные акты: one row per uploaded profile, its 672–744 hourly values in one numeric[] (day-major: day 1
# "00-01" … "23-24", day 2 …) — one row written and read per profile, ~6 KB, no row per hour until staff accept
# it (then the hours go to hourly_values). Deleted and rejected profiles are kept (history); at most one pending
# or accepted per meter and month (the partial unique index, which also settles two concurrent uploads).
interval_profiles = Table(
    "interval_profiles", metadata,
    Column("profile_id", UUID(as_uuid=False), primary_key=True),
    Column("account_id", UUID(as_uuid=False), nullable=False),
    Column("meter_id", UUID(as_uuid=False), nullable=False),
    Column("supplier_id", UUID(as_uuid=False), nullable=False),
    Column("period", Date, nullable=False),  # first day of the month
    Column("mode", Text, nullable=False),    # INTERVAL_MODE
    Column("status", Text, nullable=False),  # INTERVAL_PROFILE_STATUS
    Column("ratio", Numeric(12, 4), nullable=False),  # the meter's КТ when it was submitted
    Column("total_kwh", Numeric(20, 7), nullable=False),
    Column("hours", SmallInteger, nullable=False),
    Column("hourly_kwh", ARRAY(Numeric(20, 7)), nullable=False),
    Column("digest", Text, nullable=False),  # mode + values: the same upload again is a retry
    Column("submitted_by", UUID(as_uuid=False), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", UUID(as_uuid=False)),
    Column("reason", Text),
)
Index("interval_profiles_live", interval_profiles.c.meter_id, interval_profiles.c.period, unique=True,
      postgresql_where=interval_profiles.c.status.in_(("pending", "accepted")))
Index("interval_profiles_account_period", interval_profiles.c.account_id, interval_profiles.c.period.desc())

# --- staff review of flagged readings (section: review) ---

# Staff's decision on a flagged reading (a reading a customer confirmed despite the plausibility question): the
# flag stays as history, the decision says who (reviewed_by), when (reviewed_at), what (review: "accepted" |
# "rejected") and why (review_reason; a rejection's is shown to the customer). Not reviewed: all NULL.
for _column in (
    Column("reviewed_at", DateTime(timezone=True)),
    Column("reviewed_by", UUID(as_uuid=False)),
    Column("review", Text),
    Column("review_reason", Text),
):
    readings.append_column(_column)
# the queue walks the flagged readings only, oldest first
Index("readings_flagged", readings.c.created_at, readings.c.reading_id,
      postgresql_where=readings.c.flag_reason.isnot(None))

# --- the plausibility check's summary from one index (section: performance) ---

# The consumption of all zones together (Reading.total), kept with the reading so that the year's summary the
# plausibility check judges by (count, first and last date, consumption) and the previous reading are read from
# one index of the meter's counted readings. NULL on readings written before migration 0010: the query computes
# it from `consumption` for those.
readings.append_column(Column("used", Numeric))
Index("readings_meter_counted", readings.c.meter_id, readings.c.taken_at, readings.c.created_at,
      postgresql_include=["used"], postgresql_where=readings.c.status.in_(("accepted", "billed")))
