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

from kit.audit import audit_table

metadata = MetaData()

# Поставщики (tenants): master data staff create and edit (domain/suppliers.py checks every value).
# The server defaults are what rows entered before a column existed got (migration 0004).
suppliers = Table(
    "suppliers", metadata,
    Column("supplier_id", UUID(as_uuid=False), primary_key=True),
    Column("name", Text, nullable=False),
    Column("inn", Text, nullable=False),
    Column("kpp", Text, nullable=False, server_default=""),
    Column("bank_name", Text, nullable=False, server_default=""),
    Column("bic", Text, nullable=False, server_default=""),
    Column("settlement_account", Text, nullable=False, server_default=""),
    Column("correspondent_account", Text, nullable=False, server_default=""),
    Column("sms_code", Text, nullable=False, unique=True),
    Column("timezone", Text, nullable=False, server_default="Europe/Moscow"),
    Column("readings_from_day", Integer, nullable=False, server_default="1"),
    Column("readings_to_day", Integer, nullable=False, server_default="31"),
    Column("readings_outside", Text, nullable=False, server_default="refuse"),
    Column("payment_due_day", Integer, nullable=False, server_default="10"),
    Column("services", JSONB, nullable=False, server_default="[]"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
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
    # The customer's own choice of bill delivery; wins over the registry's value (the billing
    # system learns it from accounts.account.changed). NULL: none made.
    Column("customer_bill_delivery", Text),
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

# Activation codes issued by staff at a service office: stored hashed, single use, expiring.
activation_codes = Table(
    "activation_codes", metadata,
    Column("code_hash", Text, primary_key=True),
    Column("account_id", UUID(as_uuid=False), ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("issued_by", UUID(as_uuid=False), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Column("used_by", UUID(as_uuid=False)),
)

# Legal contracts (договоры) from the registry; user_id: the one cabinet it is bound to.
contracts = Table(
    "contracts", metadata,
    Column("contract_id", UUID(as_uuid=False), primary_key=True),
    Column("supplier_id", UUID(as_uuid=False), ForeignKey("suppliers.supplier_id"), nullable=False),
    Column("number", Text, nullable=False),
    Column("holder", Text, nullable=False),
    Column("inn", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("emails", JSONB, nullable=False, server_default="[]"),
    Column("user_id", UUID(as_uuid=False), index=True),
    Column("bound_at", DateTime(timezone=True)),
    UniqueConstraint("supplier_id", "number", name="contracts_number"),
)
Index("contracts_number_only", contracts.c.number)

# Pending confirmations of a contract binding: the link's token, stored hashed, single use.
contract_confirmations = Table(
    "contract_confirmations", metadata,
    Column("token_hash", Text, primary_key=True),
    Column("contract_id", UUID(as_uuid=False), ForeignKey("contracts.contract_id"), nullable=False, index=True),
    Column("user_id", UUID(as_uuid=False), nullable=False),
    Column("email", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

service_requests = Table(
    "service_requests", metadata,
    Column("request_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), nullable=False, index=True),
    Column("account_id", UUID(as_uuid=False), ForeignKey("accounts.account_id"), nullable=False, index=True),
    Column("meter_id", UUID(as_uuid=False), ForeignKey("meters.meter_id")),
    Column("type", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("preferred_from", DateTime(timezone=True)),
    Column("preferred_to", DateTime(timezone=True)),
    Column("status", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("service_requests_status", service_requests.c.status, service_requests.c.created_at)

service_request_history = Table(
    "service_request_history", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("request_id", UUID(as_uuid=False), ForeignKey("service_requests.request_id"), nullable=False,
           index=True),
    Column("status", Text, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("actor", Text, nullable=False),  # "customer" | "staff"
    Column("actor_id", UUID(as_uuid=False), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Every staff action: who, what, on which entity, before and after, when.
audit_log = audit_table(metadata)
