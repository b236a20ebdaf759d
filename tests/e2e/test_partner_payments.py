"""The payment-agent protocol through the gateway with signed requests: *check* shows what a terminal shows and
nothing else; *pay* changes the balance once per txn id (the ledger says channel bank), the same txn id with
another amount is a conflict; *status*; *cancel*; the bank's daily registry posted by the bank and uploaded by
staff, reconciled into its four outcomes, with the report downloadable as .xlsx. Every account is of a supplier
of the test's own."""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from urllib3 import encode_multipart_formdata

from tests.e2e.client import Customer, eventually, import_registry, new_supplier, staff_member
from tests.e2e.partner import PartnerClient, new_partner

pytestmark = pytest.mark.e2e

HOLDER, ADDRESS = "Банкова Анна Сергеевна", "Санкт-Петербург, ул. Банковская, д. 5, кв. 12"


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Moscow")).date()


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


@pytest.fixture(scope="module")
def supplier(admin) -> dict:
    """A supplier of the test's own with four accounts, each owing 1 500,00 ₽: {supplier_id, numbers, meters}."""
    made = new_supplier(admin, name="АО «Банковская сбытовая»")
    code, base = made["sms_code"], random.randrange(10**7)
    numbers = [f"76-{base + i:08d}" for i in range(4)]
    meters = [f"P{base + i:08d}" for i in range(4)]
    due = (today() + dt.timedelta(days=60)).isoformat()  # not overdue: no penalties change the amount due
    import_registry(
        admin,
        accounts="supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
                 "automatic_metering\n" + "".join(f"{code};{n};{HOLDER};{ADDRESS};urban_gas_stove;40,0;1;gas;paper;0\n"
                                                  for n in numbers),
        meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
               + "".join(f"{code};{n};{m};Меркурий 201.5;1;6;1;2030-12-31\n" for n, m in zip(numbers, meters, strict=True)),
        balances="supplier_code;account_number;bucket;amount;due_on;as_of;external_id\n"
                 + "".join(f"{code};{n};energy;-1500,00;{due};2026-01-01;open-{n}\n" for n in numbers))
    return {"supplier_id": made["supplier_id"], "numbers": numbers, "meters": meters}


def rub(kop: int) -> str:
    return f"{kop // 100},{kop % 100:02d}"


def registry(*rows: tuple[str, str, int], day: dt.date) -> bytes:
    """The bank's file (docs/bank-registry-format.md); amounts given in kopecks, written in roubles."""
    lines = ["txn_id;account_number;amount;paid_at;payer"]
    lines += [f"{txn};{number};{rub(kop)};{day.strftime('%d.%m.%Y')} 10:00;Банкова А. С." for txn, number, kop in rows]
    lines.append(f"ИТОГО;{len(rows)};{rub(sum(kop for _, _, kop in rows))};{day.isoformat()}")
    return ("\n".join(lines) + "\n").encode()


def multipart(content: bytes) -> tuple[bytes, dict]:
    body, content_type = encode_multipart_formdata({"registry": ("reestr.csv", content, "text/csv")})
    return body, {"Content-Type": content_type}


def post_registry(bank: PartnerClient, supplier_id: str, content: bytes, status: int = 200) -> dict:
    body, headers = multipart(content)
    response = bank.request("POST", f"/partners/v1/registries?supplier_id={supplier_id}", data=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


def test_check_shows_the_masked_holder_and_the_amount_due_and_nothing_else(admin, supplier):
    bank = new_partner(admin)
    number = supplier["numbers"][0]
    ask = {"account_number": number, "supplier_id": supplier["supplier_id"]}
    shown = eventually(lambda: (r := bank.post("/partners/v1/payments/check", json=ask)).status_code == 200
                       and r.json()["holder_masked"] and r.json(), what="the account's facts in payments")
    assert set(shown) == {"account_number", "supplier_id", "holder_masked", "address_part", "amount_due_kop",
                          "amount_due_energy_kop", "amount_due_penalties_kop"}
    assert shown["holder_masked"].startswith("Б***") and "Банкова" not in str(shown)
    assert "д. 5" not in shown["address_part"] and "кв" not in shown["address_part"]
    assert (shown["account_number"], shown["amount_due_kop"], shown["amount_due_energy_kop"]) == (number, 150000,
                                                                                                 150000)
    unknown = bank.post("/partners/v1/payments/check", json={**ask, "account_number": "99-99999999"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "account_not_found")
    customer = Customer(admin.base).register().login()
    assert customer.call("POST", "/partners/v1/payments/check", json=ask).status_code == 401
    unsigned = bank.request("POST", "/partners/v1/payments/check", json_body=ask, sign=False)
    assert unsigned.status_code == 401
    assert new_partner(admin, kind="bank").post("/partners/v1/payments/check", json=ask).json() == shown
    sms = new_partner(admin, kind="sms_gateway")
    refused = sms.post("/partners/v1/payments/check", json=ask)
    assert (refused.status_code, refused.json()["code"]) == (403, "partner_only")


def test_pay_status_and_cancel(stack, admin, supplier):
    bank = new_partner(admin)
    number, meter, supplier_id = supplier["numbers"][1], supplier["meters"][1], supplier["supplier_id"]
    me = Customer(stack.gateway_url).register().login()
    account_id = me.ok("POST", "/api/v1/accounts", 201, json={"number": number,
                                                            "proof": {"meter_number": meter}})["account_id"]
    before = me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["balance_kop"]
    txn = f"SB-{uuid.uuid4().hex[:12]}"
    pay = {"txn_id": txn, "account_number": number, "supplier_id": supplier_id, "amount_kop": 50075}
    first = bank.ok("POST", "/partners/v1/payments", 201, json_body=pay)
    assert (first["status"], first["channel"], first["amount_kop"], first["energy_kop"], first["replayed"]) == (
        "succeeded", "bank", 50075, 50075, False)
    again = bank.ok("POST", "/partners/v1/payments", 200, json_body=pay)
    assert (again["payment_id"], again["replayed"]) == (first["payment_id"], True)
    conflict = bank.post("/partners/v1/payments", json={**pay, "amount_kop": 50076})
    assert (conflict.status_code, conflict.json()["code"]) == (409, "transaction_conflict")
    assert me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["balance_kop"] == before + 50075
    entries = me.ok("GET", f"/api/v1/accounts/{account_id}/ledger")["entries"]
    assert [(e["kind"], e["channel"], e["amount_kop"]) for e in entries if e["kind"] == "payment"] == [
        ("payment", "bank", 50075)]

    status = bank.ok("GET", f"/partners/v1/payments/{txn}")
    assert (status["status"], status["payment_id"], status["canceled_at"]) == ("succeeded", first["payment_id"], None)
    other_bank = new_partner(admin)
    assert other_bank.get(f"/partners/v1/payments/{txn}").status_code == 404  # its own payments only

    canceled = bank.ok("POST", f"/partners/v1/payments/{txn}/cancel")
    assert canceled["status"] == "canceled" and canceled["canceled_at"]
    assert bank.ok("GET", f"/partners/v1/payments/{txn}")["status"] == "canceled"
    assert me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["balance_kop"] == before
    refunds = [e for e in me.ok("GET", f"/api/v1/accounts/{account_id}/ledger")["entries"] if e["kind"] == "refund"]
    assert [(e["amount_kop"], e["channel"]) for e in refunds] == [(-50075, "bank")]
    missing = bank.request("POST", "/partners/v1/payments/NO-SUCH/cancel")
    assert (missing.status_code, missing.json()["code"]) == (404, "payment_not_found")


def test_daily_registries_by_the_bank_and_by_staff_are_reconciled(stack, admin, supplier):
    bank = new_partner(admin)
    n = supplier["numbers"]
    supplier_id, day = supplier["supplier_id"], today()

    def paid(txn: str, number: str, kop: int) -> None:
        bank.ok("POST", "/partners/v1/payments", 201, json_body={
            "txn_id": txn, "account_number": number, "supplier_id": supplier_id, "amount_kop": kop})

    tag = uuid.uuid4().hex[:6]
    paid(f"{tag}-1", n[2], 10000)   # matched
    paid(f"{tag}-2", n[2], 20000)   # amount mismatch: the file says 250,00
    paid(f"{tag}-3", n[3], 30000)   # missing in the registry
    content = registry((f"{tag}-1", n[2], 10000), (f"{tag}-2", n[2], 25000), (f"{tag}-4", n[3], 40000),
                       (f"{tag}-5", "99-99999999", 500), day=day)
    got = post_registry(bank, supplier_id, content)
    assert (got["rows"], got["total_kop"], got["registry_date"], got["source"], got["replayed"]) == (
        4, 75500, day.isoformat(), "partner", False)
    assert (got["matched"], got["amount_mismatch"], got["missing_in_ledger"], got["posted"],
            got["missing_in_registry"]) == (1, 1, 2, 1, 1)
    assert post_registry(bank, supplier_id, content)["registry_id"] == got["registry_id"]  # the same file: once

    report = admin.ok("GET", f"/staff/v1/bank-registries/{got['registry_id']}")
    assert [(x["outcome"], x["txn_id"], x["action"]) for x in report["lines"]] == [
        ("amount_mismatch", f"{tag}-2", "listed"), ("missing_in_ledger", f"{tag}-4", "posted"),
        ("missing_in_ledger", f"{tag}-5", "listed"), ("missing_in_registry", f"{tag}-3", "listed")]
    matched = admin.ok("GET", f"/staff/v1/bank-registries/{got['registry_id']}", params={"outcome": "matched"})
    assert [x["txn_id"] for x in matched["lines"]] == [f"{tag}-1"]
    listed = admin.ok("GET", "/staff/v1/bank-registries", params={"partner_id": bank.partner_id})["registries"]
    assert [r["registry_id"] for r in listed] == [got["registry_id"]]

    xlsx = admin.call("GET", f"/staff/v1/bank-registries/{got['registry_id']}/reconciliation.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    sections = {name: [row[1] for row in book[name].iter_rows(min_row=2, values_only=True)]
                for name in ("Сошлось", "Нет в учёте", "Нет в реестре", "Расхождение суммы")}
    assert sections == {"Сошлось": [f"{tag}-1"], "Нет в учёте": [f"{tag}-4", f"{tag}-5"],
                        "Нет в реестре": [f"{tag}-3"], "Расхождение суммы": [f"{tag}-2"]}

    # staff upload the bank's registry of the next day: the payment the first registry posted is matched
    body, headers = multipart(registry((f"{tag}-4", n[3], 40000), day=day + dt.timedelta(days=1)))
    url = f"/staff/v1/bank-registries?supplier_id={supplier_id}&partner_id={bank.partner_id}"
    staff = admin.ok("POST", url, data=body, headers=headers)
    assert (staff["source"], staff["matched"], staff["posted"], staff["missing_in_registry"]) == ("staff", 1, 0, 0)
    operator = staff_member(stack, "operator")
    assert operator.call("POST", url, data=body, headers=headers).status_code == 403

    bad = post_registry(bank, supplier_id, content.replace("ИТОГО;4;755,00".encode(), "ИТОГО;4;755,01".encode()),
                        status=422)
    assert bad["code"] == "registry_totals"

