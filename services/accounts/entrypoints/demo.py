"""Demo seed (dev and test profiles): the demo customer's bindings to two demo accounts. The demo supplier, its
accounts, meters and payments are onboarded before it through the staff API and the registry (tools.onboard,
demo/supplier.json, demo/registry), as a retailer's are."""

from __future__ import annotations

from kit.demo import demo_data
from services.accounts.domain.events import AccountBound
from services.accounts.service_layer import registry


def load_demo(rt) -> None:
    user = demo_data(rt.config)["demo_user"]
    numbers = user["bound_accounts"]
    found = registry.resolve(rt.uow(), supplier_code=user["supplier_code"], account_numbers=numbers,
                             contract_numbers=[])
    ids = {a.number: a.account_id for a in found.accounts}
    missing = [n for n in numbers if n not in ids]
    if missing:
        raise SystemExit(f"seed-demo: the demo accounts {missing} are not there: onboard the demo supplier first "
                         "(python -m tools.onboard --supplier demo/supplier.json --registry demo/registry)")
    with rt.uow() as uow:
        repo = uow.accounts
        group_id = repo.default_group(user["user_id"])
        for number in numbers:
            if repo.bind(user_id=user["user_id"], account_id=ids[number], group_id=group_id, alias=""):
                uow.emit(AccountBound(account_id=ids[number], user_id=user["user_id"], supplier_id=found.supplier_id))
        uow.commit()
