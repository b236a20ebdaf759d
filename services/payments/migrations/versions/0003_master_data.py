"""payments: master data (customer categories, zone schedules, consumption norms), positive prices, the
projection of accounts' facts and the staff audit log.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NOW = sa.text("now()")
UUID = sa.UUID(as_uuid=False)
TS = sa.DateTime(timezone=True)
JSONB = postgresql.JSONB(astext_type=sa.Text())


def upgrade() -> None:
    op.create_table(
        "customer_categories",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("updated_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    # Categories of the tariffs there are (titled by their codes until staff name them).
    op.execute("INSERT INTO customer_categories (code, title) SELECT DISTINCT category, category FROM tariffs")
    op.create_foreign_key("tariffs_category_fkey", "tariffs", "customer_categories", ["category"], ["code"])
    op.drop_constraint("tariff_prices_price", "tariff_prices", type_="check")
    op.create_check_constraint("tariff_prices_price", "tariff_prices", "price_rub > 0")

    op.create_table(
        "zone_schedules",
        sa.Column("supplier_id", UUID, nullable=False),
        sa.Column("hours", JSONB, nullable=False),
        sa.Column("updated_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("supplier_id"),
    )
    op.create_table(
        "consumption_norms",
        sa.Column("supplier_id", UUID, nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("residents", sa.SmallInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("kwh_per_month", sa.Numeric(12, 3), nullable=False),
        sa.Column("updated_at", TS, server_default=NOW, nullable=False),
        sa.CheckConstraint("residents > 0", name="consumption_norms_residents"),
        sa.CheckConstraint("kwh_per_month > 0", name="consumption_norms_kwh"),
        sa.ForeignKeyConstraint(["category"], ["customer_categories.code"]),
        sa.PrimaryKeyConstraint("supplier_id", "category", "residents", "valid_from"),
    )
    op.create_table(
        "account_facts",
        sa.Column("account_id", UUID, nullable=False),
        sa.Column("supplier_id", UUID, nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("meter_zones", JSONB, nullable=False),
        sa.Column("residents", sa.SmallInteger(), nullable=True),
        sa.Column("as_of", TS, nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("at", TS, server_default=NOW, nullable=False),
        sa.Column("actor_id", UUID, nullable=False),
        sa.Column("actor_roles", sa.Text(), server_default="", nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), server_default="", nullable=False),
        sa.Column("before", JSONB, nullable=True),
        sa.Column("after", JSONB, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("audit_log_entity", "audit_log", ["entity", "entity_id", "at"])
    op.create_index("audit_log_actor", "audit_log", ["actor_id", "at"])


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup")
