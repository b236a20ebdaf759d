"""The demo supplier's money data in a payments database, in-process, for tests (the dev and test stacks
onboard the demo through the gateway instead: tools.onboard): the customer categories of demo/supplier.json
and the registry's money files demo/registry/{balances,tariffs}.csv through the registry use case, account
numbers resolved to the fixed ids payments' tests know the demo accounts by."""

from __future__ import annotations

import json
from pathlib import Path

from services.payments.domain.registry import Resolution
from services.payments.domain.tariffs import new_category
from services.payments.service_layer.registry import import_files

DEMO = Path(__file__).resolve().parents[3] / "demo"
SUPPLIER = "2a848f89-cd7d-5192-a0d1-e4c35663d673"
ACCOUNTS = {
    "12-10000001": "b96f0cb8-a399-516a-b116-c9c892ea28e0",
    "12-10000002": "1af3925e-8883-55d0-b295-fec77380fdf6",
    "12-10000003": "c6e48268-f355-5581-9e40-9cd4162d4681",
    "12-10000004": "ab670e31-8371-5682-aeb7-26d47f84a968",
}


def resolve_demo(supplier_code: str, numbers: list[str], contracts: list[str]) -> Resolution:
    """A stand-in for accounts: the demo supplier (012) and its four accounts."""
    if supplier_code != "012":
        return Resolution("")
    return Resolution(SUPPLIER, {n: ACCOUNTS[n] for n in numbers if n in ACCOUNTS})


def load_demo(rt) -> None:
    """Idempotent, like every registry import."""
    spec = json.loads((DEMO / "supplier.json").read_text())
    with rt.uow() as uow:
        for category in spec["categories"]:
            uow.categories.put_missing(new_category(category["code"], category["title"]))
        uow.commit()
    import_files(rt.uow(), resolve_demo, balances=(DEMO / "registry" / "balances.csv").read_bytes(),
                    tariffs=(DEMO / "registry" / "tariffs.csv").read_bytes())
