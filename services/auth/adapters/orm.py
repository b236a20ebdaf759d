"""Tables of the auth database."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from kit.audit import audit_table

metadata = MetaData()

users = Table(
    "users", metadata,
    Column("user_id", UUID(as_uuid=False), primary_key=True),
    Column("kind", Text, nullable=False),                  # person | organization | staff
    Column("status", Text, nullable=False),                # pending | active
    Column("phone", Text, unique=True),                    # sign-in phone, verified
    Column("email", Text, unique=True),                    # sign-in e-mail, verified
    Column("login", Text, unique=True),                    # immutable once set
    Column("password_hash", Text, nullable=False),
    Column("terms_version", Text),
    Column("marketing_consent", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("requested_login", Text),                       # chosen at registration, set on confirmation
    Column("surname", Text),
    Column("first_name", Text),
    Column("patronymic", Text),
    Column("contact_phone", Text),                         # organizations: "Давайте познакомимся"
    # consecutive failed sign-ins; from domain.users.STEP_UP_AFTER on a sign-in needs a code too
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    # The lock of the previous version (0003): no longer read or written. Kept one release so that
    # pods of that version still find it during a rolling update; the next migration drops it.
    Column("locked_at", DateTime(timezone=True)),
    Column("password_changed_at", DateTime(timezone=True)),
    Column("role", Text),                                  # staff: operator | admin
    Column("totp_secret", Text),                           # staff: sealed (AES-GCM) base32 secret
    Column("totp_confirmed_at", DateTime(timezone=True)),
    Column("totp_last_step", BigInteger),                  # a TOTP code is accepted once
)

codes = Table(
    "codes", metadata,
    Column("code_id", UUID(as_uuid=False), primary_key=True),
    # NULL for a decoy: a recovery for an unknown identifier behaves like a real one but sends nothing.
    Column("user_id", UUID(as_uuid=False), ForeignKey("users.user_id", ondelete="CASCADE")),
    Column("purpose", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("destination", Text, nullable=False),
    Column("code_hash", Text, nullable=False),             # HMAC-SHA256 with the server's pepper
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("consumed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("link_hash", Text, unique=True),                # SHA-256 of the e-mail link token
    Column("sends", Integer, nullable=False, server_default="1"),
    Column("last_sent_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

sessions = Table(
    "sessions", metadata,
    Column("session_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False),
    Column("device", Text, nullable=False, server_default=""),
    Column("ip", Text, nullable=False, server_default=""),
    Column("remember", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_used_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("method", Text, nullable=False, server_default="password"),  # password | social:<id> | staff
    Column("idle_seconds", Integer, nullable=False, server_default="3600"),
    # the last password entry (sign-in, step-up): the access token's auth_time
    Column("authenticated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
# a user's sessions by device: whether a sign-in comes from a new device (auth.user.signed_in), and their list
Index("ix_sessions_user_device", sessions.c.user_id, sessions.c.device)

refresh_tokens = Table(
    "refresh_tokens", metadata,
    Column("token_hash", Text, primary_key=True),          # SHA-256 of the opaque token
    Column("session_id", UUID(as_uuid=False), ForeignKey("sessions.session_id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("issued_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("used_at", DateTime(timezone=True)),
)

signing_keys = Table(
    "signing_keys", metadata,
    Column("kid", Text, primary_key=True),
    Column("private_pem", Text, nullable=False),
    Column("public_jwk", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("retired_at", DateTime(timezone=True)),
)

social_identities = Table(
    "social_identities", metadata,
    Column("identity_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("provider", Text, nullable=False),
    Column("subject", Text, nullable=False),               # the provider's "sub"
    Column("display_name", Text, nullable=False, server_default=""),
    Column("linked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("provider", "subject"),
)

oidc_flows = Table(
    "oidc_flows", metadata,
    Column("state_hash", Text, primary_key=True),          # SHA-256 of the state
    Column("provider", Text, nullable=False),
    Column("purpose", Text, nullable=False),               # sign_in | link
    Column("user_id", UUID(as_uuid=False), ForeignKey("users.user_id", ondelete="CASCADE")),
    Column("redirect_uri", Text, nullable=False),
    Column("nonce", Text, nullable=False),
    Column("code_verifier", Text, nullable=False),         # PKCE
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# --- partners (payment agents, banks, SMS gateways): their keys and used nonces ---
partners = Table(
    "partners", metadata,
    Column("partner_id", UUID(as_uuid=False), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),                   # domain.partners.KINDS
    Column("supplier_id", UUID(as_uuid=False)),             # null: any supplier
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

partner_keys = Table(
    "partner_keys", metadata,
    Column("key_id", Text, primary_key=True),
    Column("partner_id", UUID(as_uuid=False), ForeignKey("partners.partner_id"), nullable=False, index=True),
    Column("secret_sealed", Text, nullable=False),          # AES-256-GCM under KABINET_PARTNER_KEK, AAD key_id
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

partner_nonces = Table(
    "partner_nonces", metadata,
    Column("key_id", Text, primary_key=True),
    Column("nonce", Text, primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False, server_default=func.now(), index=True),
)

# Every staff action on auth's data (partners and their keys): who, what, before and after.
audit_log = audit_table(metadata)
