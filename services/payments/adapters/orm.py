"""Tables of the payments database."""

from __future__ import annotations

from sqlalchemy import (
                        BigInteger,
                        CheckConstraint,
                        Column,
                        Date,
                        DateTime,
                        ForeignKey,
                        Index,
                        MetaData,
                        Numeric,
                        SmallInteger,
                        Table,
                        Text,
                        UniqueConstraint,
                        func,
                        text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from kit.access import access_table
from kit.audit import audit_table

metadata = MetaData()

# Категории потребителей: free codes (as accounts' registry gives them) with a Russian title.
customer_categories = Table(
    "customer_categories", metadata,
    Column("code", Text, primary_key=True),
    Column("title", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

tariffs = Table(
    "tariffs", metadata,
    Column("tariff_id", UUID(as_uuid=False), primary_key=True),
    Column("supplier_id", UUID(as_uuid=False), nullable=False),
    Column("category", Text, ForeignKey("customer_categories.code"), nullable=False),
    Column("valid_from", Date, nullable=False),  # local date of the supplier
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("supplier_id", "category", "valid_from", name="tariffs_in_force_from"),
)

tariff_prices = Table(
    "tariff_prices", metadata,
    Column("tariff_id", UUID(as_uuid=False), ForeignKey("tariffs.tariff_id", ondelete="CASCADE"),
           primary_key=True),
    Column("zones", SmallInteger, primary_key=True),  # the meter's zone count: 1, 2 or 3
    Column("zone", Text, primary_key=True),
    Column("price_rub", Numeric(12, 4), nullable=False),  # RUB per kWh
    CheckConstraint("zones BETWEEN 1 AND 3", name="tariff_prices_zones"),
    CheckConstraint("price_rub > 0", name="tariff_prices_price"),
)

# A supplier's zone schedule (local time): {"peak": [["07:00", "10:00"], …], "semi_peak": …, "night": …}.
zone_schedules = Table(
    "zone_schedules", metadata,
    Column("supplier_id", UUID(as_uuid=False), primary_key=True),
    Column("hours", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Нормативы потребления: kWh per month per resident, by supplier, category and number of residents.
consumption_norms = Table(
    "consumption_norms", metadata,
    Column("supplier_id", UUID(as_uuid=False), primary_key=True),
    Column("category", Text, ForeignKey("customer_categories.code"), primary_key=True),
    Column("residents", SmallInteger, primary_key=True),
    Column("valid_from", Date, primary_key=True),  # local date of the supplier
    Column("kwh_per_month", Numeric(12, 3), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("residents > 0", name="consumption_norms_residents"),
    CheckConstraint("kwh_per_month > 0", name="consumption_norms_kwh"),
)

charges = Table(
    "charges", metadata,
    Column("charge_id", UUID(as_uuid=False), primary_key=True),
    Column("account_id", UUID(as_uuid=False), nullable=False),
    Column("kind", Text, nullable=False),
    Column("reading_id", UUID(as_uuid=False)),
    Column("tariff_id", UUID(as_uuid=False), ForeignKey("tariffs.tariff_id"), nullable=False),
    Column("amount_kop", BigInteger, nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("kind IN ('preliminary', 'final')", name="charges_kind"),
    # A reading is charged once per kind: a redelivered or republished event has one effect.
    UniqueConstraint("reading_id", "kind", name="charges_one_per_reading"),
)
Index("charges_account_posted", charges.c.account_id, charges.c.posted_at.desc())

charge_lines = Table(
    "charge_lines", metadata,
    Column("charge_id", UUID(as_uuid=False), ForeignKey("charges.charge_id", ondelete="CASCADE"),
           primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("zone", Text, nullable=False),
    Column("consumption", Numeric, nullable=False),  # kWh on the meter, exactly as read
    Column("ratio", Numeric, nullable=False),  # КТ
    Column("price_rub", Numeric(12, 4), nullable=False),
    Column("amount_kop", BigInteger, nullable=False),
)

ledger = Table(
    "ledger", metadata,
    Column("entry_id", UUID(as_uuid=False), primary_key=True),
    Column("account_id", UUID(as_uuid=False), nullable=False),
    Column("kind", Text, nullable=False),
    Column("amount_kop", BigInteger, nullable=False),  # + pays, - owes
    Column("charge_id", UUID(as_uuid=False), ForeignKey("charges.charge_id"), unique=True),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("kind IN ('opening', 'charge', 'payment', 'penalty', 'adjustment')", name="ledger_kind"),
)
Index("ledger_account_posted", ledger.c.account_id, ledger.c.posted_at)
# One opening balance per account (входящее сальдо).
Index("ledger_one_opening", ledger.c.account_id, unique=True, postgresql_where=text("kind = 'opening'"))

# Who may touch which account: a projection of accounts' bindings (kit.access).
account_access = access_table(metadata)

# What payments knows of each account: a projection of accounts.account.changed (newest by as_of wins).
account_facts = Table(
    "account_facts", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("supplier_id", UUID(as_uuid=False), nullable=False),
    Column("category", Text, nullable=False),
    Column("meter_zones", JSONB, nullable=False),  # zone counts of the open meters: [1, 2]
    Column("residents", SmallInteger),
    Column("as_of", DateTime(timezone=True), nullable=False),
)

# The projection of suppliers' facts (accounts.supplier.changed): payee details, time zone, due day;
# as_of is the occurred_at of the event that set the row (newest wins).
suppliers = Table(
    "suppliers", metadata,
    Column("supplier_id", UUID(as_uuid=False), primary_key=True),
    Column("name", Text, nullable=False),
    Column("inn", Text, nullable=False),
    Column("kpp", Text, nullable=False),
    Column("bank_name", Text, nullable=False),
    Column("bic", Text, nullable=False),
    Column("settlement_account", Text, nullable=False),
    Column("correspondent_account", Text, nullable=False),
    Column("timezone", Text, nullable=False),
    Column("payment_due_day", SmallInteger),
    Column("as_of", DateTime(timezone=True), nullable=False),
)

# Every staff action on payments' data: who (and with which roles), what, on which entity, before and after.
audit_log = audit_table(metadata)
