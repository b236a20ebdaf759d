"""Demo data (dev and test profiles): the demo supplier, its accounts, meters and payments,
and the demo customer's bindings."""

from __future__ import annotations

import datetime as dt

from kit.demo import demo_data
from services.accounts.domain import suppliers as ds
from services.accounts.domain.events import AccountBound, SupplierChanged
from services.accounts.domain.model import number_key
from services.accounts.service_layer.accounts import publish_facts


def load_demo(rt) -> None:
    data = demo_data(rt.config)
    s = data["supplier"]
    with rt.uow() as uow:
        repo = uow.accounts
        supplier = demo_supplier(s)
        uow.suppliers.save(supplier)
        uow.emit(SupplierChanged(supplier))
        for a in data["accounts"]:
            repo.upsert("accounts", "account_id", dict(
                account_id=a["account_id"], supplier_id=a["supplier_id"], number=a["number"],
                number_key=number_key(a["number"]), address=a["address"], holder=a["holder"],
                category=a["category"], automatic_metering=a["automatic_metering"], premise=a["premise"],
                bill_delivery=a["bill_delivery"]))
            for m in a["meters"]:
                repo.upsert("meters", "meter_id", dict(
                    meter_id=m["meter_id"], account_id=a["account_id"], number=m["number"], model=m["model"],
                    zones=m["zones"], digits=m["digits"], ratio=m["ratio"],
                    verification_due=dt.date.fromisoformat(m["verification_due"])))
            for i, p in enumerate(a["payments"]):
                repo.add_payment_once(a["account_id"], dt.date.fromisoformat(p["date"]), p["amount_kop"],
                                      p["channel"], external_id=f"demo:{a['number']}:{i}")
        publish_facts(uow, [a["account_id"] for a in data["accounts"]])
        user = data["demo_user"]
        group_id = repo.default_group(user["user_id"])
        for account_id in user["bound_accounts"]:
            if repo.bind(user_id=user["user_id"], account_id=account_id, group_id=group_id, alias=""):
                uow.emit(AccountBound(account_id=account_id, user_id=user["user_id"], supplier_id=s["supplier_id"]))
        uow.commit()


def demo_supplier(s: dict) -> ds.Supplier:
    """The demo supplier as demo.json gives it; what it does not give (КПП, readings window, payment due
    day) gets what migration 0004 gives the suppliers entered before those were asked."""
    bank, (first, last, outside) = s["bank"], ds.DEFAULT_WINDOW
    window = s.get("readings_window", {})
    return ds.Supplier(
        supplier_id=s["supplier_id"], name=s["name"], inn=s["inn"], kpp=s.get("kpp", ""),
        bank=ds.BankDetails(bank_name=bank["bank_name"], bic=bank["bik"], settlement_account=bank["account"],
                            correspondent_account=bank["corr_account"]),
        sms_code=s["sms_code"], timezone=s.get("timezone") or ds.DEFAULT_TIMEZONE,
        readings_window=ds.ReadingsWindow(from_day=window.get("from_day", first), to_day=window.get("to_day", last),
                                          outside=window.get("outside", outside)),
        payment_due_day=s.get("payment_due_day", ds.DEFAULT_DUE_DAY), services=tuple(s["services"]))
