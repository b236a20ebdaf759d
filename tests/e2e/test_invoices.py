"""Invoices through the gateway: a customer's archive (GET /api/v1/accounts/{id}/invoices) and the invoice as a
PDF (GET /api/v1/invoices/{id}.pdf) whose payment QR code scans to exactly the ГОСТ Р 56042-2014 payload;
another customer gets 404 invoice_not_found for it, never a hint that it exists.

Here the test writes an issued invoice (the row, its final charge and the period's ledger, as the run writes
them) straight into the stack's payments database, for a fresh account of its own in a long-gone period
(January 2021), so that the document's every sum is known; test_billing.py issues invoices by a real run.

Legal entities: the registry's contract_documents.csv (through POST /staff/v1/registry) gives a bound
contract its счёт, счёт-фактура and акт, listed under the contract and served as PDFs to its holder only.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid

import pytest
from pypdf import PdfReader
from sqlalchemy import create_engine, insert, select

from services.payments.adapters.orm import account_facts, charge_lines, charges, invoices, ledger, suppliers
from tests.e2e.client import (
    Customer,
    bind_contract,
    eventually,
    import_registry,
    new_contract,
    qr_codes,
    staff_member,
)

pytestmark = pytest.mark.e2e

PERIOD = dt.date(2021, 1, 1)


@pytest.fixture(scope="module")
def payments_db(stack):
    engine = create_engine(stack.database_url("payments"))
    yield engine
    engine.dispose()


def new_account(stack) -> tuple[str, str]:
    """A fresh account of the demo supplier (code 012) with a one-zone meter, through the staff registry;
    (number, meter number)."""
    number, meter = f"73-{random.randrange(10**8):08d}", f"{random.randrange(10**8):08d}"
    report = import_registry(
        staff_member(stack),
        accounts="supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
                 "automatic_metering\n"
                 f"012;{number};Сидоров Пётр Ильич;Санкт-Петербург, ул. Счётная, д. 7, кв. 3;urban_gas_stove;"
                 "48,5;2;gas;email;0\n",
        meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
               f"012;{number};{meter};Меркурий 201.5;1;5;1;2030-12-31\n")
    assert [(f["kind"], f["inserted"]) for f in report["files"]] == [("accounts", 1), ("meters", 1)], report
    return number, meter


def issue_invoice(engine, account_id: str, supplier_id: str, number: int) -> str:
    """January 2021 as the billing run leaves it: 150 kWh × 7,05 ₽ = 1 057,50 ₽ charged, 500,00 ₽ paid."""
    invoice_id, charge_id = str(uuid.uuid4()), str(uuid.uuid4())
    posted = dt.datetime(2021, 2, 1, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(insert(charges).values(charge_id=charge_id, account_id=account_id, kind="final",
                                            amount_kop=105750, posted_at=posted, period=PERIOD, basis="readings"))
        conn.execute(insert(charge_lines).values(charge_id=charge_id, position=1, zone="total", consumption=150,
                                                 ratio=1, price_rub="7.05", amount_kop=105750, zones=1, days=31))
        conn.execute(insert(ledger).values(entry_id=str(uuid.uuid4()), account_id=account_id, kind="charge",
                                           amount_kop=-105750, charge_id=charge_id, posted_at=posted, period=PERIOD,
                                           due_on=dt.date(2021, 2, 10)))
        conn.execute(insert(ledger).values(entry_id=str(uuid.uuid4()), account_id=account_id, kind="payment",
                                           amount_kop=50000, posted_at=dt.datetime(2021, 1, 21, 9, tzinfo=dt.UTC),
                                           paid_on=dt.date(2021, 1, 20), channel="bank",
                                           external_id=f"e2e-invoice-{invoice_id}"))
        conn.execute(insert(invoices).values(
            invoice_id=invoice_id, supplier_id=supplier_id, account_id=account_id, period=PERIOD, number=number,
            issued_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1), due_on=dt.date(2021, 2, 10),
            opening_kop=0, charged_kop=105750, paid_kop=50000, penalties_kop=0, closing_kop=-55750,
            amount_due_energy_kop=55750, amount_due_penalties_kop=0))
    return invoice_id


def test_my_invoice_archive_and_pdf_and_nobody_elses(stack, payments_db):
    number, meter = new_account(stack)
    me = Customer(stack.gateway_url).register().login()
    account = me.ok("POST", "/api/v1/accounts", 201, json={"number": number, "proof": {"meter_number": meter}})
    account_id = account["account_id"]

    def projected():
        with payments_db.connect() as conn:
            facts = conn.execute(select(account_facts).where(account_facts.c.account_id == account_id)).first()
            supplier = facts and conn.execute(
                select(suppliers).where(suppliers.c.supplier_id == facts.supplier_id)).first()
        return facts is not None and facts.number == number and supplier and (facts, supplier)

    facts, supplier = eventually(projected, what="payments' projection of the account and its supplier")
    invoice_number = 900000 + random.randrange(99999)
    invoice_id = issue_invoice(payments_db, account_id, facts.supplier_id, invoice_number)

    listed = me.ok("GET", f"/api/v1/accounts/{account_id}/invoices")
    assert listed["next_page_token"] == ""
    [invoice] = listed["invoices"]
    assert (invoice["invoice_id"], invoice["period"], invoice["number"], invoice["account_number"]) == (
        invoice_id, "2021-01", invoice_number, number)
    assert (invoice["due_on"], invoice["amount_due_energy_kop"], invoice["pdf"]) == (
        "2021-02-10", 55750, f"/api/v1/invoices/{invoice_id}.pdf")

    response = me.call("GET", invoice["pdf"])
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    name = f"kvitanciya-{number}-2021-01.pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    kpp = f"|KPP={supplier.kpp}" if supplier.kpp else ""
    expected = (f"ST00012|Name={supplier.name}|PersonalAcc={supplier.settlement_account}|BankName={supplier.bank_name}"
                f"|BIC={supplier.bic}|CorrespAcc={supplier.correspondent_account}|PayeeINN={supplier.inn}{kpp}"
                f"|Sum=55750|Purpose=Электроэнергия за 01.2021, л/с {number}, квитанция № {invoice_number}"
                f"|persAcc={number}|paymPeriod=012021")
    assert qr_codes(response.content) == [expected]
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "Плательщик Сидоров Пётр Ильич" in text and "К оплате за электроэнергию 557,50 ₽" in text

    stranger = Customer(stack.gateway_url).register().login()
    hidden = stranger.call("GET", f"/api/v1/invoices/{invoice_id}.pdf")
    unknown = stranger.call("GET", f"/api/v1/invoices/{uuid.uuid4()}.pdf")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "invoice_not_found")
    assert {k: v for k, v in hidden.json().items() if k not in ("instance", "request_id")} == {
        k: v for k, v in unknown.json().items() if k not in ("instance", "request_id")}
    assert stranger.call("GET", f"/api/v1/accounts/{account_id}/invoices").status_code == 404


def test_a_contracts_monthly_documents_from_the_registry(stack):
    staff = staff_member(stack)
    contract = new_contract(staff)
    org = Customer(stack.gateway_url).register().login()
    contract_id = bind_contract(org, contract)["contract_id"]
    report = import_registry(staff, contract_documents=(
        "supplier_code;contract_number;period;number;issued_on;holder;inn;kpp;address;kwh;price;vat_rate\n"
        f"012;{contract['number']};2026-11;С-1001;30.11.2026;{contract['holder']};7801234567;780101001;"
        "Санкт-Петербург, ул. Заводская, д. 1;12345,678;6,1234;20\n"
        "012;00000000000000;2026-11;С-1002;30.11.2026;ООО «Нет»;7801234567;;СПб;1;1;20\n"))
    [file] = report["files"]
    assert (file["kind"], file["rows"], file["inserted"], [r["line"] for r in file["rejected"]]) == (
        "contract_documents", 2, 1, [3])

    documents = org.ok("GET", f"/api/v1/contracts/{contract_id}/documents")["documents"]
    assert [(d["kind"], d["title"], d["period"], d["number"], d["amount_kop"], d["vat_kop"]) for d in documents] == [
        ("invoice", "Счёт", "2026-11", "С-1001", 9071702, 1511950),
        ("vat_invoice", "Счёт-фактура", "2026-11", "С-1001", 9071702, 1511950),
        ("act", "Акт приёма-передачи электроэнергии", "2026-11", "С-1001", 9071702, 1511950)]
    vat_invoice = org.call("GET", documents[1]["pdf"])
    assert (vat_invoice.status_code, vat_invoice.headers["Content-Type"]) == (200, "application/pdf")
    name = f"schet-faktura-{contract['number']}-2026-11.pdf"
    assert vat_invoice.headers["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    text = " ".join(PdfReader(io.BytesIO(vat_invoice.content)).pages[0].extract_text().split())
    assert "Счёт-фактура № С-1001 от 30 ноября 2026 г." in text and "Всего к оплате (9) 75 597,52" in text

    stranger = Customer(stack.gateway_url).register().login()
    assert stranger.call("GET", f"/api/v1/contracts/{contract_id}/documents").status_code == 404
    hidden = stranger.call("GET", documents[0]["pdf"])
    assert (hidden.status_code, hidden.json()["code"]) == (404, "document_not_found")
