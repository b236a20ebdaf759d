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
from sqlalchemy import Boolean  # noqa: E402 - the section's own import

Index("inbox_unread", inbox.c.user_id, postgresql_where=text("read_at IS NULL"))  # the bell

# What a customer said about a category × channel; no row: the catalogue's default (domain/catalogue.py).
notification_preferences = Table(
    "notification_preferences", metadata,
    Column("user_id", UUID(as_uuid=False), primary_key=True),
    Column("category", Text, primary_key=True),
    Column("channel", Text, primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("channel IN ('sms', 'email')", name="notification_preferences_channel"),
)

# One-click unsubscribe links used (one per e-mail: the message id its token names).
unsubscribe_uses = Table(
    "unsubscribe_uses", metadata,
    Column("message_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), nullable=False),
    Column("category", Text, nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The newest binding fact per account and user (accounts.account.bound/unbound by occurred_at), so that a late
# or redelivered older fact cannot undo a newer one; account_users holds the pairs whose newest fact is "bound".
account_bindings = Table(
    "account_bindings", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), primary_key=True),
    Column("bound", Boolean, nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),
)

# (section: dispatch) — migration 0005
from sqlalchemy import Float  # noqa: E402 - the section's own import

# One token bucket per provider (sms, email): what it holds and when that was computed; the rate and burst are
# configuration (KABINET_SMS_RATE_PER_SECOND, …). Shared by every replica of the worker and by the codes.
rate_buckets = Table(
    "rate_buckets", metadata,
    Column("provider", Text, primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
# What the provider did with a message after taking it: its delivery report (SMSC's status callback), and when.
deliveries.append_column(Column("provider_id", Text, nullable=False, server_default=""))  # the id it knows it by
deliveries.append_column(Column("report", Text, nullable=False, server_default=""))  # "", delivered, undeliverable
deliveries.append_column(Column("report_error", Text, nullable=False, server_default=""))
deliveries.append_column(Column("sent_at", DateTime(timezone=True)))  # when the provider took it
deliveries.append_column(Column("reported_at", DateTime(timezone=True)))
deliveries.append_constraint(CheckConstraint("report IN ('', 'delivered', 'undeliverable')", name="deliveries_report"))
Index("deliveries_created", deliveries.c.created_at, deliveries.c.message_id)  # staff's view, newest first
Index("deliveries_destination", deliveries.c.destination, deliveries.c.created_at)
Index("outgoing_created", outgoing.c.created_at, outgoing.c.message_id)
Index("outgoing_destination", outgoing.c.destination, outgoing.c.created_at)
Index("outgoing_sending", outgoing.c.updated_at, postgresql_where=text("status = 'sending'"))  # orphaned sends

# (section: care) — migration 0006
from sqlalchemy import BigInteger, ForeignKey, Identity, LargeBinary  # noqa: E402 - kept in the section, next to its tables

# «Новости»: drafts, published and withdrawn items; supplier_id NULL = for every supplier.
news = Table(
    "news", metadata,
    Column("news_id", UUID(as_uuid=False), primary_key=True),
    Column("supplier_id", UUID(as_uuid=False)),
    Column("audience", Text, nullable=False),  # NEWS_AUDIENCE
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),  # plain text, paragraphs split by an empty line
    Column("status", Text, nullable=False),  # NEWS_STATUS
    Column("published_at", DateTime(timezone=True)),
    Column("created_by", UUID(as_uuid=False), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("news_published", news.c.published_at.desc(), news.c.news_id.desc(),
      postgresql_where=text("status = 'published'"))  # what customers read, newest first
Index("news_staff", news.c.created_at.desc())

# Site-wide outage notices (planned works, a provider's break): in force from starts_at until ends_at.
outage_notices = Table(
    "outage_notices", metadata,
    Column("notice_id", UUID(as_uuid=False), primary_key=True),
    Column("supplier_id", UUID(as_uuid=False)),
    Column("text", Text, nullable=False),
    Column("severity", Text, nullable=False),  # NOTICE_SEVERITY
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True)),  # NULL: until ended (ending sets it)
    Column("created_by", UUID(as_uuid=False), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("outage_notices_ends", outage_notices.c.ends_at)

# «Отправить сообщение»: a customer's message (user_id NULL: sent without signing in, with name and contacts).
feedback = Table(
    "feedback", metadata,
    Column("feedback_id", UUID(as_uuid=False), primary_key=True),
    Column("number", BigInteger, Identity(always=True), nullable=False, unique=True),  # «обращение № 17»
    Column("user_id", UUID(as_uuid=False)),
    Column("account_id", UUID(as_uuid=False)),
    Column("topic", Text, nullable=False),  # FEEDBACK_TOPIC
    Column("text", Text, nullable=False),
    Column("name", Text, nullable=False, server_default=""),
    Column("email", Text, nullable=False, server_default=""),
    Column("phone", Text, nullable=False, server_default=""),
    Column("address", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False),  # FEEDBACK_STATUS
    Column("author_key", Text, nullable=False),  # the scope of idempotency keys: the user, or the contacts
    Column("idempotency_key", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("feedback_idempotency", feedback.c.author_key, feedback.c.idempotency_key, unique=True,
      postgresql_where=text("idempotency_key <> ''"))
Index("feedback_user", feedback.c.user_id, feedback.c.created_at.desc())
Index("feedback_queue", feedback.c.status, feedback.c.created_at)  # staff's queue, oldest first

feedback_attachments = Table(
    "feedback_attachments", metadata,
    Column("feedback_id", UUID(as_uuid=False), ForeignKey("feedback.feedback_id"), primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("filename", Text, nullable=False),
    Column("content_type", Text, nullable=False),  # found from the content (magic bytes)
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

feedback_replies = Table(
    "feedback_replies", metadata,
    Column("reply_id", UUID(as_uuid=False), primary_key=True),
    Column("feedback_id", UUID(as_uuid=False), ForeignKey("feedback.feedback_id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("staff_id", UUID(as_uuid=False), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("feedback_replies_feedback", feedback_replies.c.feedback_id, feedback_replies.c.created_at)
