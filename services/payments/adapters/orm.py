"""Tables of the payments database."""

from __future__ import annotations

from sqlalchemy import (
                        BigInteger,
                        Boolean,
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
    # the tariff of a preliminary charge; a final charge's lines name theirs (a change inside the period)
    Column("tariff_id", UUID(as_uuid=False), ForeignKey("tariffs.tariff_id")),
    Column("amount_kop", BigInteger, nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    Column("period", Date),  # the billing month (its first day, the supplier's local calendar)
    Column("meter_id", UUID(as_uuid=False)),
    Column("run_id", UUID(as_uuid=False)),  # the billing run of a final charge
    Column("basis", Text),  # BILLING_BASIS of a final charge: readings, average, norm
    CheckConstraint("kind IN ('preliminary', 'final', 'adjustment')", name="charges_kind"),
    # A reading is charged once per kind: a redelivered or republished event has one effect.
    UniqueConstraint("reading_id", "kind", name="charges_one_per_reading"),
)
Index("charges_account_posted", charges.c.account_id, charges.c.posted_at.desc())
# One final charge per account and period, however often (or concurrently) the run goes.
Index("charges_one_final", charges.c.account_id, charges.c.period, unique=True,
      postgresql_where=text("kind = 'final'"))
Index("charges_period", charges.c.period, charges.c.kind)

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
    Column("zones", SmallInteger),  # the meter's zone count the line is priced for
    Column("tariff_id", UUID(as_uuid=False)),  # of a final charge's line: the tariff of its days
    Column("days", SmallInteger),  # of a final charge's line: days of the period at that tariff
    Column("reading", Numeric),  # of a preliminary charge's line: the meter's value read (for the invoice)
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
    Column("bucket", Text, nullable=False, server_default="energy"),  # LEDGER_BUCKET: energy, penalties
    Column("period", Date),  # the billing month the entry belongs to (first day), when it has one
    Column("due_on", Date),  # a debt's due date (charges, penalties, dated opening debts)
    Column("external_id", Text, unique=True),  # an outside fact (registry row, provider payment): once
    Column("reverses", UUID(as_uuid=False), ForeignKey("ledger.entry_id"), unique=True),  # superseded entry
    Column("run_id", UUID(as_uuid=False)),  # the billing run that wrote it
    Column("channel", Text),  # PAYMENT_CHANNEL of a payment
    Column("paid_on", Date),  # a payment's date as the payer made it
    Column("description", Text),  # Russian, shown in the ledger
    CheckConstraint("kind IN ('opening', 'charge', 'payment', 'penalty', 'adjustment', 'refund')",
                    name="ledger_kind"),
    CheckConstraint("bucket IN ('energy', 'penalties')", name="ledger_bucket"),
)
Index("ledger_account_posted", ledger.c.account_id, ledger.c.posted_at)
Index("ledger_account_bucket", ledger.c.account_id, ledger.c.bucket, ledger.c.due_on)
Index("ledger_period", ledger.c.account_id, ledger.c.period)

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
    Column("number", Text),  # the лицевой счёт as printed, for invoices
    Column("address", Text),
    Column("holder", Text),
    Column("bill_delivery", Text),
    Column("automatic_metering", Boolean),
)
Index("account_facts_supplier", account_facts.c.supplier_id, account_facts.c.account_id)

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

# --- the billing run (закрытие периода): one live or finished run per supplier and period ---
billing_runs = Table(
    "billing_runs", metadata,
    Column("run_id", UUID(as_uuid=False), primary_key=True),
    Column("supplier_id", UUID(as_uuid=False), nullable=False),
    Column("period", Date, nullable=False),
    Column("status", Text, nullable=False),  # BILLING_RUN_STATUS
    Column("as_of", Date, nullable=False),  # the run's "today" (the test clock in dev and test)
    Column("started_by", Text, nullable=False, server_default=""),
    Column("started_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
    Column("cursor", UUID(as_uuid=False)),  # the last account id done: accounts go in id order
    *(Column(name, BigInteger, nullable=False, server_default="0")
      for name in ("accounts_total", "accounts_done", "accounts_billed", "accounts_skipped", "by_readings",
                   "by_average", "by_norm", "charged_kop", "invoices")),
    CheckConstraint("status IN ('running', 'done', 'failed')", name="billing_runs_status"),
)
Index("billing_runs_one", billing_runs.c.supplier_id, billing_runs.c.period, unique=True,
      postgresql_where=text("status <> 'failed'"))

billing_skips = Table(
    "billing_skips", metadata,
    Column("run_id", UUID(as_uuid=False), ForeignKey("billing_runs.run_id"), primary_key=True),
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("message", Text, nullable=False),
)

# --- invoices (квитанции): numbers without gaps per supplier, taken in the transaction that issues them ---
invoice_counters = Table(
    "invoice_counters", metadata,
    Column("supplier_id", UUID(as_uuid=False), primary_key=True),
    Column("last_number", BigInteger, nullable=False),
)

invoices = Table(
    "invoices", metadata,
    Column("invoice_id", UUID(as_uuid=False), primary_key=True),
    Column("supplier_id", UUID(as_uuid=False), nullable=False),
    Column("account_id", UUID(as_uuid=False), nullable=False),
    Column("period", Date, nullable=False),
    Column("number", BigInteger, nullable=False),
    Column("run_id", UUID(as_uuid=False), ForeignKey("billing_runs.run_id")),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("due_on", Date, nullable=False),
    *(Column(name, BigInteger, nullable=False)
      for name in ("opening_kop", "charged_kop", "paid_kop", "penalties_kop", "closing_kop",
                   "amount_due_energy_kop", "amount_due_penalties_kop")),
    UniqueConstraint("supplier_id", "number", name="invoices_number"),
    UniqueConstraint("account_id", "period", name="invoices_one_per_period"),
)

# --- penalties (пени) ---
key_rates = Table(
    "key_rates", metadata,
    Column("valid_from", Date, primary_key=True),
    Column("rate_percent", Numeric(6, 3), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("rate_percent > 0 AND rate_percent <= 100", name="key_rates_rate"),
)

moratoria = Table(
    "moratoria", metadata,
    Column("moratorium_id", UUID(as_uuid=False), primary_key=True),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("title", Text, nullable=False),
    CheckConstraint("valid_until >= valid_from", name="moratoria_dates"),
)

penalty_accruals = Table(
    "penalty_accruals", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("day", Date, primary_key=True),  # one accrual per account per day
    Column("base_kop", BigInteger, nullable=False),  # the overdue energy debt it is accrued on
    Column("amount_kop", BigInteger, nullable=False),
    Column("entry_id", UUID(as_uuid=False)),  # its ledger entry (none for a zero accrual)
)

penalty_progress = Table(
    "penalty_progress", metadata,
    Column("supplier_id", UUID(as_uuid=False), primary_key=True),
    Column("accrued_through", Date, nullable=False),
)

# --- legal entities' monthly documents (счёт, счёт-фактура, акт), from the registry ---
contract_documents = Table(
    "contract_documents", metadata,
    Column("document_id", UUID(as_uuid=False), primary_key=True),
    Column("supplier_id", UUID(as_uuid=False), nullable=False),
    Column("contract_id", UUID(as_uuid=False), nullable=False),
    Column("contract_number", Text, nullable=False),
    Column("kind", Text, nullable=False),  # LEGAL_DOCUMENT_KIND
    Column("period", Date, nullable=False),
    Column("number", Text, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("kwh", Numeric(18, 3), nullable=False),
    Column("amount_kop", BigInteger, nullable=False),
    Column("vat_kop", BigInteger, nullable=False),
    Column("content", JSONB, nullable=False),  # holder, ИНН, address, lines as the registry gave them
    CheckConstraint("kind IN ('invoice', 'vat_invoice', 'act')", name="contract_documents_kind"),
    UniqueConstraint("contract_id", "period", "kind", name="contract_documents_one"),
)

# --- money in: card payments through the provider (section: card payments) ---

# --- money in: saved cards and autopay (section: autopay) ---

# --- money in: partner payments, bank registries, reconciliation (section: partner payments) ---

# Every staff action on payments' data: who (and with which roles), what, on which entity, before and after.
audit_log = audit_table(metadata)
