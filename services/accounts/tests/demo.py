"""The demo supplier's data in a test's own database, in-process, by the paths a retailer's go through:
the supplier as staff create it (demo/supplier.json; here with the fixed id these tests name), the registry
(demo/registry) and then the demo seed (the demo customer's bindings)."""

from __future__ import annotations

import json
from pathlib import Path

from services.accounts.domain import suppliers as ds
from services.accounts.domain.events import SupplierChanged
from services.accounts.domain.model import number_key
from services.accounts.domain.registry import account_id_of, meter_id_of
from services.accounts.entrypoints import demo
from services.accounts.service_layer.registry import import_registry

DEMO = Path(__file__).resolve().parents[3] / "demo"
DEMO_SUPPLIER = "2a848f89-cd7d-5192-a0d1-e4c35663d673"  # the id these tests give the demo supplier (012)
FILES = ("accounts", "meters", "payments", "contracts")


def flat(supplier: dict) -> dict:
    """demo/supplier.json's nested supplier (the JSON API's shape) -> the flat values of ds.FIELDS."""
    out = {}
    for name in ds.FIELDS:
        group, _, leaf = name.rpartition(".")
        out[name] = (supplier.get(group) or {}).get(leaf) if group else supplier.get(leaf)
    return out


def load_demo(rt, *, bindings: bool = True) -> None:
    spec = json.loads((DEMO / "supplier.json").read_text())
    supplier = ds.Supplier.of(DEMO_SUPPLIER, ds.new_supplier(flat(spec["supplier"])))
    with rt.uow() as uow:
        if uow.suppliers.add(supplier):
            uow.emit(SupplierChanged(supplier))
        uow.commit()
    import_registry(rt.uow(), **{k: (DEMO / "registry" / f"{k}.csv").read_bytes() for k in FILES
                                 if (DEMO / "registry" / f"{k}.csv").exists()})
    if bindings:
        demo.load_demo(rt)


def account(number: str) -> str:
    return account_id_of(DEMO_SUPPLIER, number_key(number))


def meter(number: str, meter_number: str) -> str:
    return meter_id_of(account(number), meter_number)
