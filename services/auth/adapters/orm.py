"""Tables of the auth database."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, MetaData, Table, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

users = Table(
    "users", metadata,
    Column("user_id", UUID(as_uuid=False), primary_key=True),
    Column("kind", Text, nullable=False),                  # person | organization | staff
    Column("status", Text, nullable=False),                # pending | active | locked
    Column("phone", Text, unique=True),
    Column("email", Text, unique=True),
    Column("login", Text, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("terms_version", Text),
    Column("marketing_consent", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

codes = Table(
    "codes", metadata,
    Column("code_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("destination", Text, nullable=False),
    Column("code_hash", Text, nullable=False),             # HMAC-SHA256 with the server's pepper
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("consumed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
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
)

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
