"""The ledger, the balance and penalties through the gateway: a customer's balance by bucket with its due date,
the ledger list page by page (its entries sum to the balance), staff keep the key rate and moratoria (roles,
codes by field), and an accrual with a far `through` (the test clock of the test profile) books penalties in
their own bucket exactly once; the dashboard shows them. The account is of a supplier of the test's own, and
the accrual is that supplier's only, so that no other test's accounts get penalties."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.client import Customer, eventually, import_registry, new_supplier, staff_member

pytestmark = pytest.mark.e2e



def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Moscow")).date()


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


@pytest.fixture(scope="module")
def operator(stack):
    return staff_member(stack, "operator")


def whole_ledger(me: Customer, account_id: str, **params) -> list[dict]:
    entries, token = [], ""
    while True:
        page = me.ok("GET", f"/api/v1/accounts/{account_id}/ledger",
                     params={**params, **({"page_token": token} if token else {})})
        entries += page["entries"]
        token = page["next_page_token"]
        if not token:
            return entries


def check_balance(balance: dict) -> None:
    assert balance["balance_kop"] == balance["energy_kop"] + balance["penalties_kop"]
    assert balance["amount_due_energy_kop"] == max(0, -balance["energy_kop"])
    assert balance["amount_due_penalties_kop"] == max(0, -balance["penalties_kop"])
    assert balance["amount_due_kop"] == balance["amount_due_energy_kop"] + balance["amount_due_penalties_kop"]
    assert balance["overdue"] == (balance["overdue_kop"] > 0)
    assert balance["state"] == ("debt" if balance["balance_kop"] < 0 else
                                "zero" if balance["balance_kop"] == 0 else "overpayment")


def onboarded_account(admin: Customer) -> tuple[str, str, str]:
    """(supplier id, account number, meter number) of a new supplier's one account with a 1-zone meter."""
    supplier = new_supplier(admin, name="АО «Пенная сбытовая»", due_day=10)
    supplier_id, code = supplier["supplier_id"], supplier["sms_code"]
    number, meter = f"75-{random.randrange(10**8):08d}", f"{random.randrange(10**8):08d}"
    import_registry(admin, accounts=(
        "supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
        f"automatic_metering\n{code};{number};Пенкин Илья Ильич;Санкт-Петербург, ул. Пенная, д. 1, кв. 1;"
        "urban_gas_stove;40,0;1;gas;paper;0\n"),
        meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
               f"{code};{number};{meter};Меркурий 201.5;1;6;1;2030-12-31\n",
        readings=f"supplier_code;account_number;meter_number;taken_at;total\n{code};{number};{meter};2026-01-01;100\n")
    admin.ok("POST", "/staff/v1/tariffs", 201, json={"supplier_id": supplier_id, "category": "urban_gas_stove",
                                                    "valid_from": "2020-01-01", "prices": {"1": {"total": "6.00"}}})
    return supplier_id, number, meter


def test_the_ledger_the_balance_and_penalties(stack, admin, operator):
    supplier_id, number, meter = onboarded_account(admin)
    me = Customer(stack.gateway_url).register().login()
    account = me.ok("POST", "/api/v1/accounts", 201, json={"number": number, "proof": {"meter_number": meter}})
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    # a reading makes an energy debt: 100 kWh at 6,00 ₽
    reading = me.submit(account_id, meter_id, {"total": "200"})
    eventually(lambda: me.charge_for(account_id, reading["reading_id"]), what="the charge")

    balance = me.ok("GET", f"/api/v1/accounts/{account_id}/balance")
    check_balance(balance)
    assert balance["state"] == "debt" and balance["amount_due_energy_kop"] > 0 and balance["due_on"]
    assert balance["penalties_kop"] == 0

    # the ledger, one entry a page: newest first, every entry once, and they sum to the balance
    entries = whole_ledger(me, account_id, page_size=1)
    assert len({e["entry_id"] for e in entries}) == len(entries) >= 1
    assert sum(e["amount_kop"] for e in entries) == balance["balance_kop"]
    assert [e["posted_at"] for e in entries] == sorted((e["posted_at"] for e in entries), reverse=True)
    charge = next(e for e in entries if e["kind"] == "charge")
    assert (charge["bucket"], charge["description"]) == ("energy", "Начисление") and charge["amount_kop"] < 0
    assert whole_ledger(me, account_id, page_size=200) == entries
    assert me.ok("GET", f"/api/v1/accounts/{account_id}/ledger", params={"period": "1999-01"})["entries"] == []
    bad = me.call("GET", f"/api/v1/accounts/{account_id}/ledger", params={"period": "2026-13"})
    assert (bad.status_code, bad.json()["code"], list(bad.json()["errors"])) == (422, "invalid_input", ["period"])
    other = Customer(stack.gateway_url).register().login()
    assert other.call("GET", f"/api/v1/accounts/{account_id}/ledger").status_code == 404

    # staff: the key rate and moratoria — operators read, admins write, the values are payments' to check
    refused = operator.call("PUT", "/staff/v1/key-rates", json={"valid_from": "2000-01-01", "rate_percent": "16"})
    assert (refused.status_code, refused.json()["code"]) == (403, "staff_only")
    wrong = admin.call("PUT", "/staff/v1/key-rates", json={"valid_from": "01.01.2000", "rate_percent": "0"})
    assert (wrong.status_code, wrong.json()["code"], set(wrong.json()["errors"])) == (
        422, "invalid_key_rate", {"valid_from", "rate_percent"})
    assert admin.ok("PUT", "/staff/v1/key-rates", json={"valid_from": "2000-01-01", "rate_percent": "16,0"}) == {
        "valid_from": "2000-01-01", "rate_percent": "16"}
    assert {"valid_from": "2000-01-01", "rate_percent": "16"} in operator.ok("GET", "/staff/v1/key-rates")["rates"]
    wrong = admin.call("POST", "/staff/v1/moratoria", json={"valid_from": "2099-02-01", "valid_until": "2099-01-01",
                                                            "title": "Тест"})
    assert (wrong.status_code, wrong.json()["code"], list(wrong.json()["errors"])) == (
        422, "invalid_moratorium", ["valid_until"])
    declared = admin.ok("POST", "/staff/v1/moratoria", json={
        "valid_from": "2099-01-01", "valid_until": "2099-01-31", "title": "Тест: январь 2099"})
    assert declared["moratorium_id"] in [m["moratorium_id"] for m in operator.ok("GET", "/staff/v1/moratoria")[
        "moratoria"]]

    # the test clock: accrue through a day far ahead — the debt is long overdue by then
    through = (today() + dt.timedelta(days=400)).isoformat()
    ours = {"through": through, "supplier_id": supplier_id}
    assert operator.call("POST", "/staff/v1/penalties/accrue", json=ours).status_code == 403
    bad = admin.call("POST", "/staff/v1/penalties/accrue", json={"through": "завтра", "supplier_id": "x"})
    assert (bad.status_code, bad.json()["code"], set(bad.json()["errors"])) == (
        422, "invalid_input", {"through", "supplier_id"})
    done = admin.ok("POST", "/staff/v1/penalties/accrue", json=ours)
    assert done["through"] == through and done["accruals"] >= 1 and done["amount_kop"] > 0
    again = admin.ok("POST", "/staff/v1/penalties/accrue", json=ours)
    assert (again["accruals"], again["amount_kop"]) == (0, 0)  # exactly once per account and day

    after = me.ok("GET", f"/api/v1/accounts/{account_id}/balance")
    check_balance(after)
    assert after["energy_kop"] == balance["energy_kop"]  # penalties are a bucket of their own
    assert after["penalties_kop"] < 0 and after["amount_due_penalties_kop"] == -after["penalties_kop"]
    penalties = [e for e in whole_ledger(me, account_id, page_size=200) if e["kind"] == "penalty"]
    assert penalties and all(e["bucket"] == "penalties" and e["amount_kop"] < 0 for e in penalties)
    assert sum(e["amount_kop"] for e in penalties) == after["penalties_kop"]
    assert penalties[0]["description"].startswith("Пени за ")

    card = next(a for g in me.ok("GET", "/api/v1/dashboard")["groups"] for a in g["accounts"]
                if a["account_id"] == account_id)
    assert card["balance"] == after
