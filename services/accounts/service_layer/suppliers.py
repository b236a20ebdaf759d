"""Suppliers (поставщики) as master data: staff list and view them (operator or admin), create and change
them (admin). Every call is audited; every change is announced (accounts.supplier.changed)."""

from __future__ import annotations

import uuid

from kit.context import Caller
from kit.errors import Conflict, NotFound
from kit.ids import is_uuid
from services.accounts.domain import suppliers as ds
from services.accounts.domain.events import SupplierChanged
from services.accounts.service_layer.staff import audit

SUPPLIER_NOT_FOUND = NotFound("Поставщик не найден.", code="supplier_not_found")


def _sms_code_taken(code: str) -> Conflict:
    message = f"Код {code} уже у другого поставщика."
    return Conflict(message, code="sms_code_taken", fields={"sms_code": message})


def public_suppliers(uow) -> list[ds.Supplier]:
    """Every supplier, by name, for customers to choose from (the entrypoint passes on only the public fields)."""
    with uow:
        return uow.suppliers.all()


def list_suppliers(uow, staff: Caller) -> list[ds.Supplier]:
    with uow:
        found = uow.suppliers.all()
        audit(uow, staff, "suppliers.listed", "supplier", after={"found": len(found)})
        uow.commit()
    return found


def supplier(uow, staff: Caller, supplier_id: str) -> ds.Supplier:
    with uow:
        found = uow.suppliers.get(supplier_id) if is_uuid(supplier_id) else None
        if found is None:
            raise SUPPLIER_NOT_FOUND
        audit(uow, staff, "supplier.viewed", "supplier", supplier_id)
        uow.commit()
    return found


def create_supplier(uow, staff: Caller, values: dict) -> ds.Supplier:
    """A new supplier from every value of it (keys: domain.suppliers.FIELDS)."""
    created = ds.Supplier.of(str(uuid.uuid4()), ds.new_supplier(values))
    with uow:
        if not uow.suppliers.add(created):
            raise _sms_code_taken(created.sms_code)
        uow.emit(SupplierChanged(created))
        audit(uow, staff, "supplier.created", "supplier", created.supplier_id, after=created.values())
        uow.commit()
    return created


def update_supplier(uow, staff: Caller, supplier_id: str, changes: dict) -> ds.Supplier:
    """Changes the values named in `changes` (keys: domain.suppliers.FIELDS); the others stay."""
    with uow:
        current = uow.suppliers.get(supplier_id, lock=True) if is_uuid(supplier_id) else None
        if current is None:
            raise SUPPLIER_NOT_FOUND
        values = ds.supplier_changes(current, changes)
        before = {name: current.values()[name] for name in values}
        changed = ds.Supplier.of(supplier_id, current.values() | values)
        if changed != current:
            if not uow.suppliers.update(changed):
                raise _sms_code_taken(changed.sms_code)
            uow.emit(SupplierChanged(changed))
        audit(uow, staff, "supplier.updated", "supplier", supplier_id, before=before, after=values)
        uow.commit()
    return changed
