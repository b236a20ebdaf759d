"""Repositories of master data: customer categories, zone schedules, consumption norms."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.payments.adapters.orm import consumption_norms, customer_categories, zone_schedules
from services.payments.domain.tariffs import ConsumptionNorm, CustomerCategory, ZoneSchedule


class CategoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, code: str) -> CustomerCategory | None:
        row = self.session.execute(select(customer_categories).where(customer_categories.c.code == code)).first()
        return CustomerCategory(row.code, row.title) if row else None

    def list(self) -> list[CustomerCategory]:
        rows = self.session.execute(select(customer_categories).order_by(customer_categories.c.code))
        return [CustomerCategory(row.code, row.title) for row in rows]

    def put(self, category: CustomerCategory) -> CustomerCategory | None:
        """Create or rename; returns the category as it was before (None if new)."""
        before = self.get(category.code)
        stmt = insert(customer_categories).values(code=category.code, title=category.title)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=[customer_categories.c.code], set_={"title": category.title, "updated_at": func.now()}))
        return before

    def put_missing(self, category: CustomerCategory) -> None:
        """Create unless it exists (demo data: a title staff changed stays)."""
        self.session.execute(insert(customer_categories).values(code=category.code, title=category.title)
                             .on_conflict_do_nothing())


class ScheduleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, supplier_id: str) -> ZoneSchedule | None:
        hours = self.session.execute(
            select(zone_schedules.c.hours).where(zone_schedules.c.supplier_id == supplier_id)).scalar()
        return ZoneSchedule.from_texts(hours) if hours is not None else None

    def put_missing(self, supplier_id: str, schedule: ZoneSchedule) -> None:
        """Store the supplier's schedule unless it has one."""
        self.session.execute(insert(zone_schedules).values(supplier_id=supplier_id, hours=schedule.to_texts())
                             .on_conflict_do_nothing())


class NormRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, norm: ConsumptionNorm) -> ConsumptionNorm | None:
        """Create or replace the norm of its key and date; returns the one it replaced (None if new)."""
        before = next((n for n in self.find(supplier_id=norm.supplier_id, category=norm.category)
                       if (n.residents, n.valid_from) == (norm.residents, norm.valid_from)), None)
        stmt = insert(consumption_norms).values(supplier_id=norm.supplier_id, category=norm.category,
                                                residents=norm.residents, valid_from=norm.valid_from,
                                                kwh_per_month=norm.kwh_per_month)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=[consumption_norms.c.supplier_id, consumption_norms.c.category,
                            consumption_norms.c.residents, consumption_norms.c.valid_from],
            set_={"kwh_per_month": norm.kwh_per_month, "updated_at": func.now()}))
        return before

    def find(self, *, supplier_id: str = "", category: str = "") -> list[ConsumptionNorm]:
        """By supplier, category, residents and date."""
        t = consumption_norms
        query = select(t).order_by(t.c.supplier_id, t.c.category, t.c.residents, t.c.valid_from)
        if supplier_id:
            query = query.where(t.c.supplier_id == supplier_id)
        if category:
            query = query.where(t.c.category == category)
        return [ConsumptionNorm(supplier_id=r.supplier_id, category=r.category, residents=r.residents,
                                valid_from=r.valid_from, kwh_per_month=r.kwh_per_month)
                for r in self.session.execute(query)]
