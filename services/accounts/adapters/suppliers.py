"""Suppliers (поставщики): rows of `suppliers` <-> domain Supplier."""

from __future__ import annotations

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.accounts.adapters.orm import suppliers
from services.accounts.domain.suppliers import BankDetails, ReadingsWindow, Supplier

SMS_CODE_UNIQUE = "suppliers_sms_code_key"  # the constraint of migration 0001


class SuppliersRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[Supplier]:
        return [_supplier(r) for r in self.session.execute(
            select(suppliers).order_by(suppliers.c.name, suppliers.c.supplier_id)).mappings()]

    def get(self, supplier_id: str, *, lock: bool = False) -> Supplier | None:
        query = select(suppliers).where(suppliers.c.supplier_id == supplier_id)
        row = self.session.execute(query.with_for_update() if lock else query).mappings().first()
        return _supplier(row) if row else None

    def add(self, supplier: Supplier) -> bool:
        """False when another supplier has its SMS code (nothing is written)."""
        return self._unless_sms_code_taken(insert(suppliers).values(**_row(supplier)))

    def update(self, supplier: Supplier) -> bool:
        """False when another supplier has its SMS code (nothing is written)."""
        values = {k: v for k, v in _row(supplier).items() if k != "supplier_id"} | {"updated_at": func.now()}
        return self._unless_sms_code_taken(
            update(suppliers).where(suppliers.c.supplier_id == supplier.supplier_id).values(**values))

    def save(self, supplier: Supplier) -> None:
        """Inserts or overwrites (demo data)."""
        row = _row(supplier)
        self.session.execute(pg_insert(suppliers).values(**row).on_conflict_do_update(
            index_elements=["supplier_id"], set_={k: v for k, v in row.items() if k != "supplier_id"}))

    def _unless_sms_code_taken(self, statement) -> bool:
        # a savepoint: the unique constraint decides, also between two staff saving at once
        try:
            with self.session.begin_nested():
                self.session.execute(statement)
        except IntegrityError as exc:
            if getattr(getattr(exc.orig, "diag", None), "constraint_name", None) == SMS_CODE_UNIQUE:
                return False
            raise
        return True


def _row(s: Supplier) -> dict:
    return dict(supplier_id=s.supplier_id, name=s.name, inn=s.inn, kpp=s.kpp, bank_name=s.bank.bank_name,
                bic=s.bank.bic, settlement_account=s.bank.settlement_account,
                correspondent_account=s.bank.correspondent_account, sms_code=s.sms_code, timezone=s.timezone,
                readings_from_day=s.readings_window.from_day, readings_to_day=s.readings_window.to_day,
                readings_outside=s.readings_window.outside, payment_due_day=s.payment_due_day,
                services=list(s.services))


def _supplier(r) -> Supplier:
    return Supplier(
        supplier_id=r["supplier_id"], name=r["name"], inn=r["inn"], kpp=r["kpp"],
        bank=BankDetails(bank_name=r["bank_name"], bic=r["bic"], settlement_account=r["settlement_account"],
                         correspondent_account=r["correspondent_account"]),
        sms_code=r["sms_code"], timezone=r["timezone"],
        readings_window=ReadingsWindow(from_day=r["readings_from_day"], to_day=r["readings_to_day"],
                                       outside=r["readings_outside"]),
        payment_due_day=r["payment_due_day"], services=tuple(r["services"] or ()))
