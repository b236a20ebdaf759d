"""Tables of the accounts database."""

from __future__ import annotations

from sqlalchemy import (
                        BigInteger,
                        Boolean,
                        Column,
                        Date,
                        DateTime,
                        ForeignKey,
                        Index,
                        Integer,
                        MetaData,
                        Numeric,
                        Table,
                        Text,
                        UniqueConstraint,
                        func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

suppliers = Table(
    "suppliers", metadata,
    Column("supplier_id", UUID(as_uuid=False), primary_key=True),
    Column("name", Text, nullable=False),
    Column("inn", Text, nullable=False),
    Column("sms_code", Text, nullable=False, unique=True),
    Column("timezone", Text, nullable=False, server_default="Europe/Moscow"),
    Column("bank", JSONB, nullable=False, server_default="{}"),
    Column("services", JSONB, nullable=False, server_default="[]"),
)

accounts = Table(
    "accounts", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("supplier_id", UUID(as_uuid=False), ForeignKey("suppliers.supplier_id"), nullable=False),
    Column("number", Text, nullable=False),
    Column("number_key", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("holder", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("automatic_metering", Boolean, nullable=False, server_default="false"),
    Column("premise", JSONB, nullable=False, server_default="{}"),
    Column("bill_delivery", Text, nullable=False, server_default="paper"),
    UniqueConstraint("supplier_id", "number_key", name="accounts_number"),
)
Index("accounts_number_key", accounts.c.number_key)

meters = Table(
    "meters", metadata,
    Column("meter_id", UUID(as_uuid=False), primary_key=True),
    Column("account_id", UUID(as_uuid=False), ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("number", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("zones", Integer, nullable=False),
    Column("digits", Integer, nullable=False),
    Column("ratio", Numeric(12, 4), nullable=False, server_default="1"),
    Column("verification_due", Date),
    Column("closed_at", DateTime(timezone=True)),
    UniqueConstraint("account_id", "number", name="meters_account_number"),
)

payments = Table(
    "payments", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("account_id", UUID(as_uuid=False), ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("paid_on", Date, nullable=False),
    Column("amount_kop", BigInteger, nullable=False),
    Column("channel", Text, nullable=False),
    Column("external_id", Text, unique=True),
)

groups = Table(
    "groups", metadata,
    Column("group_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("is_default", Boolean, nullable=False, server_default="false"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

bindings = Table(
    "bindings", metadata,
    Column("user_id", UUID(as_uuid=False), primary_key=True),
    Column("account_id", UUID(as_uuid=False), ForeignKey("accounts.account_id"), primary_key=True),
    Column("group_id", UUID(as_uuid=False), ForeignKey("groups.group_id"), nullable=False),
    Column("alias", Text, nullable=False, server_default=""),
    Column("bound_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("bindings_account", bindings.c.account_id)

bind_attempts = Table(
    "bind_attempts", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("user_id", UUID(as_uuid=False), nullable=False),
    Column("number_key", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("bind_attempts_user", bind_attempts.c.user_id, bind_attempts.c.at)
Index("bind_attempts_number", bind_attempts.c.number_key, bind_attempts.c.at)
