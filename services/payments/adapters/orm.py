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
    # of a preliminary charge: when its reading was taken — the meter's order (the charges of one consumer's
    # batch share posted_at); null before migration 0012
    Column("taken_at", DateTime(timezone=True)),
    Column("run_id", UUID(as_uuid=False)),  # the billing run of a final charge
    Column("basis", Text),  # BILLING_BASIS of a final charge: readings, average, norm
    # a preliminary charge whose reading was corrected: the charge of the correction (its entry is reversed;
    # the billing run counts neither it nor its entry)
    Column("replaced_by", UUID(as_uuid=False)),
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
Index("penalty_accruals_day", penalty_accruals.c.day)  # a month's accruals (penalty_store.MONTH)

penalty_progress = Table(
    "penalty_progress", metadata,
    Column("supplier_id", UUID(as_uuid=False), primary_key=True),
    Column("accrued_through", Date, nullable=False),
)

# What the accrual told, once each (the primary keys): an energy debt overdue the day after its due date
# (payments.debt.overdue) and a month's penalties once the month's last day is accrued (payments.penalties.accrued)
debt_overdue_notices = Table(
    "debt_overdue_notices", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("due_on", Date, primary_key=True),
    Column("overdue_kop", BigInteger, nullable=False),
    Column("amount_due_kop", BigInteger, nullable=False),
    Column("told_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

penalty_notices = Table(
    "penalty_notices", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("period", Date, primary_key=True),  # the month (first day)
    Column("amount_kop", BigInteger, nullable=False),
    Column("penalties_due_kop", BigInteger, nullable=False),
    Column("told_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
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

# A card payment through the provider (YooKassa): created with the provider's payment in one go (no row without
# one), pending until the provider's re-fetched status settles it; its items reach the ledger through money_in.
card_payments = Table(
    "card_payments", metadata,
    Column("payment_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False)),  # None: paid without signing in (channel public)
    Column("channel", Text, nullable=False),  # PAYMENT_CHANNEL: cabinet, public, autopay
    Column("status", Text, nullable=False),  # PAYMENT_STATUS: pending, succeeded, canceled
    Column("amount_kop", BigInteger, nullable=False),
    Column("provider", Text, nullable=False, server_default="yookassa"),
    Column("provider_payment_id", Text, nullable=False, unique=True),
    Column("idempotency_scope", Text, nullable=False),  # "u:<user>", "public", "autopay:<user>"
    Column("idempotency_key", Text),
    Column("request_hash", Text, nullable=False),
    Column("confirmation_url", Text),
    Column("receipt_contact", JSONB, nullable=False),  # {"email": …} or {"phone": …}
    Column("receipt", JSONB),  # the 54-ФЗ receipt as sent
    Column("save_card", Boolean, nullable=False, server_default=text("false")),
    Column("method_id", Text),  # the saved card charged (autopay) or the card paid with
    Column("card", Text),  # masked: first 6 and last 4 digits
    Column("cancel_reason", Text),  # the provider's cancellation reason code
    Column("cancel_message", Text),  # its Russian text
    Column("refunded_kop", BigInteger, nullable=False, server_default=text("0")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("succeeded_at", DateTime(timezone=True)),
    CheckConstraint("channel IN ('cabinet', 'public', 'autopay')", name="card_payments_channel"),
    CheckConstraint("status IN ('pending', 'succeeded', 'canceled')", name="card_payments_status"),
    CheckConstraint("amount_kop > 0", name="card_payments_amount"),
    UniqueConstraint("idempotency_scope", "idempotency_key", name="card_payments_idempotency"),
)
Index("card_payments_user", card_payments.c.user_id, card_payments.c.created_at)
Index("card_payments_pending", card_payments.c.created_at, postgresql_where=text("status = 'pending'"))

card_payment_items = Table(
    "card_payment_items", metadata,
    Column("payment_id", UUID(as_uuid=False), ForeignKey("card_payments.payment_id"), primary_key=True),
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("bucket", Text, primary_key=True),  # LEDGER_BUCKET
    Column("position", SmallInteger, nullable=False),
    Column("amount_kop", BigInteger, nullable=False),
    Column("account_number", Text, nullable=False, server_default=""),
    CheckConstraint("amount_kop > 0", name="card_payment_items_amount"),
    CheckConstraint("bucket IN ('energy', 'penalties')", name="card_payment_items_bucket"),
)
Index("card_payment_items_account", card_payment_items.c.account_id)

# Staff refunds of a card payment's item; each reaches the ledger once as a negative REFUND entry.
card_refunds = Table(
    "card_refunds", metadata,
    Column("refund_id", UUID(as_uuid=False), primary_key=True),
    Column("payment_id", UUID(as_uuid=False), ForeignKey("card_payments.payment_id"), nullable=False),
    Column("account_id", UUID(as_uuid=False), nullable=False),
    Column("bucket", Text, nullable=False),
    Column("amount_kop", BigInteger, nullable=False),
    Column("provider_refund_id", Text, nullable=False, unique=True),
    Column("status", Text, nullable=False),  # the provider's: pending, succeeded, canceled
    Column("reason", Text, nullable=False),
    Column("created_by", UUID(as_uuid=False), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("amount_kop > 0", name="card_refunds_amount"),
)
Index("card_refunds_payment", card_refunds.c.payment_id)

# The provider's notifications as they came (never trusted: the worker re-fetches the payment); a row stays
# unprocessed until the transaction that applies it commits.
provider_notifications = Table(
    "provider_notifications", metadata,
    Column("notification_id", BigInteger, primary_key=True, autoincrement=True),
    Column("provider", Text, nullable=False),
    Column("event", Text, nullable=False),
    Column("object_id", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("source_ip", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("attempts", SmallInteger, nullable=False, server_default=text("0")),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("processed_at", DateTime(timezone=True)),
    Column("outcome", Text),  # succeeded, canceled, pending, final, unknown_payment, mismatch, ignored
)
Index("provider_notifications_todo", provider_notifications.c.next_attempt_at,
      postgresql_where=text("processed_at IS NULL"))

# --- money in: saved cards and autopay (section: autopay) ---
# A customer's card saved at the provider (its payment_method id); deleted cards keep their row (autopays
# and past charges name them), a payment saving the same method again brings it back.
saved_cards = Table(
    "saved_cards", metadata,
    Column("card_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), nullable=False),
    Column("method_id", Text, nullable=False),  # the provider's payment_method.id
    Column("title", Text, nullable=False),
    Column("last4", Text, nullable=False),
    Column("first6", Text, nullable=False),
    Column("expiry_month", Text, nullable=False),
    Column("expiry_year", Text, nullable=False),
    Column("card_type", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("deleted_at", DateTime(timezone=True)),
    UniqueConstraint("user_id", "method_id", name="saved_cards_one_per_method"),
)

# Автоплатёж: one per account, confirmed by e-mail; `enabled` false keeps the settings switched off.
autopays = Table(
    "autopays", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("user_id", UUID(as_uuid=False), nullable=False),  # whose card pays
    Column("card_id", UUID(as_uuid=False), ForeignKey("saved_cards.card_id"), nullable=False),
    Column("day", SmallInteger, nullable=False),  # day of the month in the supplier's zone
    Column("mode", Text, nullable=False),  # AUTOPAY_MODE
    Column("amount_kop", BigInteger, nullable=False, server_default="0"),  # the fixed amount
    Column("cap_kop", BigInteger, nullable=False),  # never more than this per month
    Column("receipt_email", Text, nullable=False, server_default=""),  # the 54-ФЗ receipt's address
    Column("enabled", Boolean, nullable=False),
    Column("off_reason", Text, nullable=False, server_default=""),
    Column("activated_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("day BETWEEN 1 AND 28", name="autopays_day"),
    CheckConstraint("mode IN ('fixed', 'amount_due')", name="autopays_mode"),
    CheckConstraint("cap_kop > 0 AND amount_kop >= 0", name="autopays_amounts"),
)

# Settings waiting for the e-mail link (switching on, another card); only the token's SHA-256 is kept.
autopay_confirmations = Table(
    "autopay_confirmations", metadata,
    Column("token_hash", Text, primary_key=True),
    Column("account_id", UUID(as_uuid=False), nullable=False),
    Column("user_id", UUID(as_uuid=False), nullable=False),
    Column("settings", JSONB, nullable=False),  # card_id, day, mode, amount_kop, cap_kop
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)
Index("autopay_confirmations_account", autopay_confirmations.c.account_id, autopay_confirmations.c.created_at)

# One autopay charge per account and period (the local month), claimed before the provider is called.
autopay_runs = Table(
    "autopay_runs", metadata,
    Column("account_id", UUID(as_uuid=False), primary_key=True),
    Column("period", Date, primary_key=True),  # first day of the local month
    Column("status", Text, nullable=False),  # AUTOPAY_RUN: charging, retry, paid, skipped, failed
    Column("attempt", SmallInteger, nullable=False, server_default="0"),  # in the provider's idempotency key
    Column("lease_until", DateTime(timezone=True)),  # a charging row whose worker died is taken again then
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("card_id", UUID(as_uuid=False)),
    Column("energy_kop", BigInteger, nullable=False, server_default="0"),
    Column("penalties_kop", BigInteger, nullable=False, server_default="0"),
    Column("payment_id", Text),
    Column("reason", Text, nullable=False, server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("status IN ('charging', 'retry', 'paid', 'skipped', 'failed')", name="autopay_runs_status"),
)
Index("autopay_runs_due", autopay_runs.c.status, autopay_runs.c.next_attempt_at)

# --- money in: partner payments, bank registries, reconciliation (section: partner payments) ---

# A payment agent's payment (a bank's or a terminal's *pay*, or a bank registry's row nobody paid before): once
# per partner and txn_id; its ledger entries are booked by money_in.post_payment.
partner_payments = Table(
    "partner_payments", metadata,
    Column("payment_id", UUID(as_uuid=False), primary_key=True),
    Column("partner_id", Text, nullable=False),
    Column("txn_id", Text, nullable=False),  # the partner's transaction id
    Column("supplier_id", UUID(as_uuid=False), nullable=False),
    Column("account_id", UUID(as_uuid=False), nullable=False),
    Column("account_number", Text, nullable=False),  # as the partner sent it
    Column("amount_kop", BigInteger, nullable=False),
    Column("energy_kop", BigInteger, nullable=False),
    Column("penalties_kop", BigInteger, nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=False),
    Column("paid_on", Date, nullable=False),  # paid_at's date in the supplier's zone: the registry's day
    Column("posted_at", DateTime(timezone=True), nullable=False),
    Column("status", Text, nullable=False),  # PAYMENT_STATUS: succeeded, canceled
    Column("channel", Text, nullable=False),  # PAYMENT_CHANNEL: bank (pay), registry (a registry's new row)
    Column("canceled_at", DateTime(timezone=True)),
    Column("entry_ids", JSONB, nullable=False, server_default="[]"),  # its payment entries on the ledger
    Column("cancel_entry_ids", JSONB, nullable=False, server_default="[]"),  # the refunds of a cancel
    Column("request_hash", Text, nullable=False),  # the same txn_id again must be the same request
    Column("registry_id", UUID(as_uuid=False)),  # the registry that posted it (channel registry)
    CheckConstraint("status IN ('succeeded', 'canceled')", name="partner_payments_status"),
    CheckConstraint("amount_kop > 0 AND energy_kop >= 0 AND penalties_kop >= 0 "
                    "AND energy_kop + penalties_kop = amount_kop", name="partner_payments_amounts"),
    UniqueConstraint("partner_id", "txn_id", name="partner_payments_txn"),
)
Index("partner_payments_day", partner_payments.c.partner_id, partner_payments.c.supplier_id,
      partner_payments.c.paid_on)

# A bank's daily registry (реестр платежей): once per bank and file (SHA-256), with its reconciliation's counts.
bank_registries = Table(
    "bank_registries", metadata,
    Column("registry_id", UUID(as_uuid=False), primary_key=True),
    Column("partner_id", Text, nullable=False),  # the bank whose registry it is
    Column("supplier_id", UUID(as_uuid=False), nullable=False),
    Column("source", Text, nullable=False),  # partner (posted by the bank), staff (uploaded)
    Column("uploaded_by", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("registry_date", Date, nullable=False),
    Column("rows", BigInteger, nullable=False),
    Column("total_kop", BigInteger, nullable=False),
    Column("status", Text, nullable=False, server_default="reconciled"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    *(Column(name, BigInteger, nullable=False, server_default="0")
      for name in ("matched", "missing_in_ledger", "posted", "missing_in_registry", "amount_mismatch",
                   "matched_kop", "posted_kop")),
    CheckConstraint("source IN ('partner', 'staff')", name="bank_registries_source"),
    UniqueConstraint("partner_id", "sha256", name="bank_registries_file"),
)
Index("bank_registries_created", bank_registries.c.created_at.desc())

# The file's rows with their reconciliation outcome (matched, missing_in_ledger, amount_mismatch).
bank_registry_rows = Table(
    "bank_registry_rows", metadata,
    Column("registry_id", UUID(as_uuid=False), ForeignKey("bank_registries.registry_id"), primary_key=True),
    Column("line", BigInteger, primary_key=True),
    Column("txn_id", Text, nullable=False),
    Column("account_number", Text, nullable=False),
    Column("amount_kop", BigInteger, nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=False),
    Column("payer", Text, nullable=False, server_default=""),
    Column("outcome", Text, nullable=False),
    Column("action", Text, nullable=False, server_default=""),  # posted, listed, "" (matched)
    Column("note", Text, nullable=False, server_default=""),
    Column("payment_id", UUID(as_uuid=False)),  # the bank's payment of that txn_id (found, or posted now)
    Column("ledger_kop", BigInteger),  # that payment's amount
)

# The bank's payments of the registry's day that its file does not list (missing in the registry).
bank_registry_absent = Table(
    "bank_registry_absent", metadata,
    Column("registry_id", UUID(as_uuid=False), ForeignKey("bank_registries.registry_id"), primary_key=True),
    Column("payment_id", UUID(as_uuid=False), ForeignKey("partner_payments.payment_id"), primary_key=True),
)

# A registry row's account by its number as printed (the projection answers before accounts is asked).
Index("account_facts_number", account_facts.c.supplier_id, account_facts.c.number)

# Every staff action on payments' data: who (and with which roles), what, on which entity, before and after.
audit_log = audit_table(metadata)
