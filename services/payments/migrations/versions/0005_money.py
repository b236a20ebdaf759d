"""payments: money owed — ledger buckets and due dates, the billing run, invoices with gapless numbers,
penalties (key rates, moratoria, daily accruals), legal entities' documents, account facts for invoices.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UUID = sa.UUID(as_uuid=False)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # --- the ledger: buckets, periods, due dates, idempotent outside facts, reversals ---
    op.add_column("ledger", sa.Column("bucket", sa.Text(), nullable=False, server_default="energy"))
    op.add_column("ledger", sa.Column("period", sa.Date(), nullable=True))
    op.add_column("ledger", sa.Column("due_on", sa.Date(), nullable=True))
    op.add_column("ledger", sa.Column("external_id", sa.Text(), nullable=True))
    op.add_column("ledger", sa.Column("reverses", UUID, nullable=True))
    op.add_column("ledger", sa.Column("run_id", UUID, nullable=True))
    op.add_column("ledger", sa.Column("channel", sa.Text(), nullable=True))
    op.add_column("ledger", sa.Column("paid_on", sa.Date(), nullable=True))
    op.add_column("ledger", sa.Column("description", sa.Text(), nullable=True))
    op.drop_constraint("ledger_kind", "ledger", type_="check")
    op.create_check_constraint(
        "ledger_kind", "ledger", "kind IN ('opening', 'charge', 'payment', 'penalty', 'adjustment', 'refund')")
    op.create_check_constraint("ledger_bucket", "ledger", "bucket IN ('energy', 'penalties')")
    op.create_unique_constraint("ledger_external_id", "ledger", ["external_id"])
    op.create_unique_constraint("ledger_reverses_once", "ledger", ["reverses"])
    op.create_foreign_key("ledger_reverses_entry", "ledger", "ledger", ["reverses"], ["entry_id"])
    # Openings become one per external fact (a registry row: a balance or a dated debt), not one per account.
    op.drop_index("ledger_one_opening", table_name="ledger")
    op.execute("UPDATE ledger SET external_id = 'opening:' || account_id WHERE kind = 'opening'")
    op.create_index("ledger_account_bucket", "ledger", ["account_id", "bucket", "due_on"])
    op.create_index("ledger_period", "ledger", ["account_id", "period"])

    # --- charges: the billing period, the meter, the run; final charges once per account and period ---
    op.add_column("charges", sa.Column("period", sa.Date(), nullable=True))  # first day of the month
    op.add_column("charges", sa.Column("meter_id", UUID, nullable=True))
    op.add_column("charges", sa.Column("run_id", UUID, nullable=True))
    op.add_column("charges", sa.Column("basis", sa.Text(), nullable=True))  # BILLING_BASIS of a final charge
    op.drop_constraint("charges_kind", "charges", type_="check")
    op.create_check_constraint("charges_kind", "charges", "kind IN ('preliminary', 'final', 'adjustment')")
    op.alter_column("charges", "tariff_id", nullable=True)  # a final charge may span several tariffs
    op.create_index("charges_one_final", "charges", ["account_id", "period"], unique=True,
                    postgresql_where=sa.text("kind = 'final'"))
    op.create_index("charges_period", "charges", ["period", "kind"])
    op.add_column("charge_lines", sa.Column("zones", sa.SmallInteger(), nullable=True))
    op.add_column("charge_lines", sa.Column("tariff_id", UUID, nullable=True))
    op.add_column("charge_lines", sa.Column("days", sa.SmallInteger(), nullable=True))

    # --- what payments knows of an account for its invoice ---
    for name in ("number", "address", "holder", "bill_delivery"):
        op.add_column("account_facts", sa.Column(name, sa.Text(), nullable=True))
    op.add_column("account_facts", sa.Column("automatic_metering", sa.Boolean(), nullable=True))
    op.create_index("account_facts_supplier", "account_facts", ["supplier_id", "account_id"])

    # --- the billing run ---
    op.create_table(
        "billing_runs",
        sa.Column("run_id", UUID, primary_key=True),
        sa.Column("supplier_id", UUID, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("started_by", sa.Text(), nullable=False, server_default=""),
        sa.Column("started_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("cursor", UUID, nullable=True),  # the last account id done (accounts go in id order)
        sa.Column("accounts_total", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("accounts_done", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("accounts_billed", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("accounts_skipped", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("by_readings", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("by_average", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("by_norm", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("charged_kop", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("invoices", sa.BigInteger(), nullable=False, server_default="0"),
        sa.CheckConstraint("status IN ('running', 'done', 'failed')", name="billing_runs_status"),
    )
    # One live or finished run per supplier and period.
    op.create_index("billing_runs_one", "billing_runs", ["supplier_id", "period"], unique=True,
                    postgresql_where=sa.text("status <> 'failed'"))
    op.create_table(
        "billing_skips",
        sa.Column("run_id", UUID, sa.ForeignKey("billing_runs.run_id"), primary_key=True),
        sa.Column("account_id", UUID, primary_key=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
    )

    # --- invoices: gapless numbers per supplier ---
    op.create_table(
        "invoice_counters",
        sa.Column("supplier_id", UUID, primary_key=True),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "invoices",
        sa.Column("invoice_id", UUID, primary_key=True),
        sa.Column("supplier_id", UUID, nullable=False),
        sa.Column("account_id", UUID, nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("run_id", UUID, sa.ForeignKey("billing_runs.run_id"), nullable=True),
        sa.Column("issued_at", TS, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("opening_kop", sa.BigInteger(), nullable=False),
        sa.Column("charged_kop", sa.BigInteger(), nullable=False),
        sa.Column("paid_kop", sa.BigInteger(), nullable=False),
        sa.Column("penalties_kop", sa.BigInteger(), nullable=False),
        sa.Column("closing_kop", sa.BigInteger(), nullable=False),
        sa.Column("amount_due_energy_kop", sa.BigInteger(), nullable=False),
        sa.Column("amount_due_penalties_kop", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("supplier_id", "number", name="invoices_number"),
        sa.UniqueConstraint("account_id", "period", name="invoices_one_per_period"),
    )

    # --- penalties ---
    op.create_table(
        "key_rates",
        sa.Column("valid_from", sa.Date(), primary_key=True),
        sa.Column("rate_percent", sa.Numeric(6, 3), nullable=False),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("rate_percent > 0 AND rate_percent <= 100", name="key_rates_rate"),
    )
    op.create_table(
        "moratoria",
        sa.Column("moratorium_id", UUID, primary_key=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.CheckConstraint("valid_until >= valid_from", name="moratoria_dates"),
    )
    op.create_table(
        "penalty_accruals",
        sa.Column("account_id", UUID, primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),  # one accrual per account per day
        sa.Column("base_kop", sa.BigInteger(), nullable=False),  # overdue energy debt it is accrued on
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", UUID, nullable=True),  # its ledger entry (none for a zero accrual)
    )
    # The day up to which penalties have been accrued (a single row per supplier).
    op.create_table(
        "penalty_progress",
        sa.Column("supplier_id", UUID, primary_key=True),
        sa.Column("accrued_through", sa.Date(), nullable=False),
    )

    # --- legal entities' monthly documents (from the registry) ---
    op.create_table(
        "contract_documents",
        sa.Column("document_id", UUID, primary_key=True),
        sa.Column("supplier_id", UUID, nullable=False),
        sa.Column("contract_id", UUID, nullable=False),
        sa.Column("contract_number", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("kwh", sa.Numeric(18, 3), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.Column("vat_kop", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.dialects.postgresql.JSONB(), nullable=False),  # holder, INN, address, lines
        sa.CheckConstraint("kind IN ('invoice', 'vat_invoice', 'act')", name="contract_documents_kind"),
        sa.UniqueConstraint("contract_id", "period", "kind", name="contract_documents_one"),
    )


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
