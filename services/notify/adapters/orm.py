"""Tables of the notify database."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, DateTime, Index, Integer, MetaData, Table, Text, func, text
from sqlalchemy.dialects.postgresql import UUID

from kit.audit import audit_table

metadata = MetaData()

audit_log = audit_table(metadata)  # staff actions: news, notices, feedback replies

inbox = Table(
    "inbox", metadata,
    Column("message_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), nullable=False),
    Column("category", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("account_id", UUID(as_uuid=False)),
    Column("read_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),  # when the fact happened
)
Index("inbox_user_created", inbox.c.user_id, inbox.c.created_at.desc())

deliveries = Table(
    "deliveries", metadata,
    Column("message_id", UUID(as_uuid=False), primary_key=True),
    Column("channel", Text, nullable=False),
    Column("destination", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("error", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("channel IN ('sms', 'email')", name="deliveries_channel"),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="deliveries_status"),
)
Index("deliveries_status_updated", deliveries.c.status, deliveries.c.updated_at)

# What the dev delivery adapter "sent" (dev and test profiles): read by people and tests.
dev_outbox = Table(
    "dev_outbox", metadata,
    Column("message_id", UUID(as_uuid=False), primary_key=True),
    Column("channel", Text, nullable=False),
    Column("destination", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("subject", Text, nullable=False, server_default=""),
    Column("body", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("dev_outbox_destination_sent", dev_outbox.c.destination, dev_outbox.c.sent_at.desc())
Index("dev_outbox_sent", dev_outbox.c.sent_at.desc())

# The projection of customers' verified contacts (auth.contact.verified): where a user's e-mails go.
# One row per user and channel; as_of is the occurred_at of the event that set it (newest wins).
contacts = Table(
    "contacts", metadata,
    Column("user_id", UUID(as_uuid=False), primary_key=True),
    Column("channel", Text, primary_key=True),
    Column("destination", Text, nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),
    CheckConstraint("channel IN ('sms', 'email')", name="contacts_channel"),
)

# The outgoing queue (migration 0003): SMS and e-mails of the catalogue, rendered, waiting for the dispatcher
# (sent within each provider's rate; SMS not in the quiet hours of the customer's time zone).
outgoing = Table(
    "outgoing", metadata,
    Column("message_id", UUID(as_uuid=False), primary_key=True),  # follows from the fact: planned exactly once
    Column("channel", Text, nullable=False),
    Column("destination", Text, nullable=False),
    Column("user_id", UUID(as_uuid=False)),
    Column("kind", Text, nullable=False),  # the catalogue entry
    Column("category", Text, nullable=False),  # the preference category
    Column("subject", Text, nullable=False, server_default=""),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=False, server_default=""),
    Column("unsubscribe_url", Text, nullable=False, server_default=""),
    Column("time_zone", Text, nullable=False, server_default="Europe/Moscow"),
    Column("not_before", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("status", Text, nullable=False, server_default="queued"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("error", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("channel IN ('sms', 'email')", name="outgoing_channel"),
)
Index("outgoing_due", outgoing.c.channel, outgoing.c.not_before, postgresql_where=text("status = 'queued'"))

# Projections of accounts' facts (migration 0003; kept by the notifications section's consumers, read by all):
# who is bound to an account (accounts.account.bound/unbound), an account's supplier, category and number
# (accounts.account.changed), a supplier's time zone and name (accounts.supplier.changed).
account_users = Table(
    "account_users", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), primary_key=True),
)
Index("account_users_user", account_users.c.user_id)

account_facts = Table(
    "account_facts", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("supplier_id", UUID(as_uuid=False), nullable=False),
    Column("number", Text, nullable=False, server_default=""),
    Column("category", Text, nullable=False, server_default=""),  # legal entities: "legal" / "legal_…"
    Column("as_of", DateTime(timezone=True), nullable=False),
)
Index("account_facts_supplier", account_facts.c.supplier_id, account_facts.c.account_id)

supplier_facts = Table(
    "supplier_facts", metadata,
    Column("supplier_id", UUID(as_uuid=False), primary_key=True),
    Column("name", Text, nullable=False, server_default=""),
    Column("time_zone", Text, nullable=False, server_default="Europe/Moscow"),
    Column("as_of", DateTime(timezone=True), nullable=False),
)

# (section: notifications) — migration 0004

# (section: dispatch) — migration 0005

# (section: care) — migration 0006
