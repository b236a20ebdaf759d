"""Suppliers (поставщики) as master data through /staff/v1/suppliers: a staff admin onboards a retailer and
edits it, an operator only reads, bad ИНН / БИК / accounts come back as 422 with every field at once, and
the audit log shows each change with before and after."""

from __future__ import annotations

import random

import pytest

from tests.e2e.client import DEMO, Customer, staff_member
from tests.e2e.client import new_supplier as client_new_supplier

pytestmark = pytest.mark.e2e

# ПАО Сбербанк (Москва): БИК 044525225, корр. счёт 30101810400000000225; a settlement account keyed for it
SBER = {"bank_name": "ПАО Сбербанк", "bic": "044525225", "settlement_account": "40702810938000000001",
        "correspondent_account": "30101810400000000225"}
# Банк ВТБ (ПАО): БИК 044525187, корр. счёт 30101810700000000187
VTB = {"bank_name": "Банк ВТБ (ПАО)", "bic": "044525187", "settlement_account": "40702810700000000001",
       "correspondent_account": "30101810700000000187"}
SMS_CODES = iter(random.sample(range(100, 1000), 100))  # distinct, none the demo supplier's "012"


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack)


@pytest.fixture(scope="module")
def operator(stack):
    return staff_member(stack, role="operator")


def create(admin, **changes) -> dict:
    """A supplier as the tests below describe it, under a free SMS code."""
    fields = {k: v for k, v in new_supplier(**changes).items() if k != "sms_code"}
    return client_new_supplier(admin, **fields)


def new_supplier(**changes) -> dict:
    return {"name": "АО «Петербургская сбытовая компания»", "inn": "7841322249", "kpp": "784101001",
            "bank": SBER, "sms_code": str(next(SMS_CODES)),
            "readings_window": {"from_day": 15, "to_day": 25, "outside": "refuse"}, "payment_due_day": 10,
            "services": ["Электроэнергия"]} | changes


def test_an_admin_onboards_a_supplier_and_edits_it_and_the_audit_shows_the_change(stack, admin, operator):
    made = create(admin)
    assert (made["timezone"], made["bank"], made["readings_window"]["outside"]) == ("Europe/Moscow", SBER, "refuse")
    path = f"/staff/v1/suppliers/{made['supplier_id']}"

    edited = admin.ok("PATCH", path, json={"name": "АО «ПСК»", "bank": VTB, "readings_window": {"to_day": 26},
                                           "services": ["Электроэнергия", "Вывоз ТКО"]})
    assert (edited["name"], edited["bank"], edited["readings_window"]) == (
        "АО «ПСК»", VTB, {"from_day": 15, "to_day": 26, "outside": "refuse"})
    assert (edited["inn"], edited["sms_code"], edited["services"]) == (
        made["inn"], made["sms_code"], ["Электроэнергия", "Вывоз ТКО"])
    assert operator.ok("GET", path) == edited
    listed = operator.ok("GET", "/staff/v1/suppliers")["suppliers"]
    assert {stack.demo_supplier_id, made["supplier_id"]} <= {s["supplier_id"] for s in listed}

    audit = admin.ok("GET", "/staff/v1/audit", params={"entity": "supplier", "entity_id": made["supplier_id"]})
    entries = {e["action"]: e for e in audit["entries"]}
    assert entries["supplier.created"]["after"]["inn"] == "7841322249"
    updated = entries["supplier.updated"]
    assert (updated["before"]["bank.bic"], updated["after"]["bank.bic"]) == ("044525225", "044525187")
    assert (updated["before"]["readings_window.to_day"], updated["after"]["readings_window.to_day"]) == (25, 26)
    assert "inn" not in updated["after"]  # only what was named


def test_an_operator_reads_but_cannot_create_or_edit(admin, operator):
    made = create(admin)
    refused = operator.call("POST", "/staff/v1/suppliers", json=new_supplier())
    assert refused.status_code == 403 and refused.json()["code"] == "staff_only"
    assert operator.call("PATCH", f"/staff/v1/suppliers/{made['supplier_id']}",
                         json={"name": "Чужое"}).status_code == 403
    assert operator.ok("GET", f"/staff/v1/suppliers/{made['supplier_id']}")["name"] == made["name"]
    missing = operator.call("GET", "/staff/v1/suppliers/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and missing.json()["code"] == "supplier_not_found"


def test_a_customer_is_not_staff(stack):
    customer = Customer(stack.gateway_url).register().login()
    assert customer.call("GET", "/staff/v1/suppliers").status_code == 401


def test_bad_inn_bic_and_accounts_are_422_with_every_field(admin):
    typos = admin.call("POST", "/staff/v1/suppliers", json=new_supplier(
        inn="7841322248", bank=SBER | {"bic": "04452522"}, payment_due_day=31, timezone="Moscow"))
    assert typos.status_code == 422 and typos.json()["code"] == "invalid_input"
    assert set(typos.json()["errors"]) == {"inn", "bank.bic", "payment_due_day", "timezone"}
    assert "контрольная цифра" in typos.json()["errors"]["inn"]

    keyed = admin.call("POST", "/staff/v1/suppliers", json=new_supplier(bank=SBER | {
        "settlement_account": "40702810938000000002"}))  # one digit off: the control key fails
    assert keyed.status_code == 422 and keyed.json()["code"] == "invalid_bank_details"
    assert set(keyed.json()["errors"]) == {"bank.settlement_account"}

    made = create(admin)
    path = f"/staff/v1/suppliers/{made['supplier_id']}"
    bic_alone = admin.call("PATCH", path, json={"bank": {"bic": VTB["bic"]}})  # Сбербанк's accounts stay
    assert bic_alone.status_code == 422 and set(bic_alone.json()["errors"]) == {"bank.bic"}
    taken = admin.call("PATCH", path, json={"sms_code": DEMO["supplier"]["sms_code"]})
    assert taken.status_code == 409 and taken.json()["code"] == "sms_code_taken"
    nothing = admin.call("PATCH", path, json={})
    assert nothing.status_code == 422 and nothing.json()["code"] == "nothing_to_change"
    shape = admin.call("PATCH", path, json={"bank": {"iban": "x"}, "payment_due_day": "10"})
    assert shape.status_code == 422 and set(shape.json()["errors"]) == {"bank.iban", "payment_due_day"}
    assert admin.ok("GET", path) == made  # nothing of it was written
