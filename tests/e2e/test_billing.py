"""The billing run through the gateway with every process running: a staff admin closes December 2026 of a
supplier of its own (the test clock: as of 1 January 2027) — a customer's readings become a final charge
split by the tariff change of 16 December, a neighbour without readings is billed by the norm, both get an
invoice — and the run is visible to an operator with its counts. Its own supplier, so that no other test's
December is closed."""

from __future__ import annotations

import io
import random
import uuid

import pytest
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from tests.e2e.client import Customer, eventually, import_registry, new_supplier, qr_codes, staff_member

pytestmark = pytest.mark.e2e

def test_a_staff_admin_bills_a_suppliers_december_and_an_operator_sees_the_run(stack):
    admin, operator = staff_member(stack), staff_member(stack, role="operator")
    supplier = new_supplier(admin)
    supplier_id, code = supplier["supplier_id"], supplier["sms_code"]
    reader, neighbour = (f"74-{random.randrange(10**8):08d}" for _ in range(2))
    meter = f"{random.randrange(10**8):08d}"
    import_registry(admin, accounts=(
        "supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
        "automatic_metering\n"
        f"{code};{reader};Зимин Олег Петрович;Санкт-Петербург, ул. Декабристов, д. 1, кв. 1;urban_gas_stove;"
        "40,0;1;gas;email;0\n"
        f"{code};{neighbour};Зимина Анна Олеговна;Санкт-Петербург, ул. Декабристов, д. 1, кв. 2;urban_gas_stove;"
        "52,0;2;gas;paper;0\n"),
        meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
               f"{code};{reader};{meter};Меркурий 201.5;1;6;1;2030-12-31\n")
    for valid_from, price in (("2026-01-01", "6.00"), ("2026-12-16", "6.60")):
        admin.ok("POST", "/staff/v1/tariffs", 201, json={"supplier_id": supplier_id, "category": "urban_gas_stove",
                                                        "valid_from": valid_from, "prices": {"1": {"total": price}}})
    admin.ok("POST", "/staff/v1/consumption-norms", json={
        "supplier_id": supplier_id, "category": "urban_gas_stove", "residents": 2, "valid_from": "2026-01-01",
        "kwh_per_month": "50"})

    me = Customer(stack.gateway_url).register().login()
    account = me.ok("POST", "/api/v1/accounts", 201, json={"number": reader, "proof": {"meter_number": meter}})
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    me.submit(account_id, meter_id, {"total": "1000"})
    second = me.submit(account_id, meter_id, {"total": "1150"})  # 150 kWh in December
    eventually(lambda: me.charge_for(account_id, second["reading_id"]), what="the preliminary charge")
    engine = create_engine(stack.database_url("payments"))
    try:
        eventually(lambda: _projected(engine, supplier_id) == 2, what="both accounts in payments' projection")
    finally:
        engine.dispose()

    assert operator.call("POST", "/staff/v1/billing-runs", json={
        "supplier_id": supplier_id, "period": "2026-12", "as_of": "2027-01-01"}).status_code == 403
    still_open = admin.call("POST", "/staff/v1/billing-runs", json={
        "supplier_id": supplier_id, "period": "2026-12", "as_of": "2026-12-31"})
    assert (still_open.status_code, still_open.json()["code"]) == (409, "period_open")

    run = admin.ok("POST", "/staff/v1/billing-runs", json={
        "supplier_id": supplier_id, "period": "2026-12", "as_of": "2027-01-01"})

    # 150 kWh over 31 days: 15 days (1–15 Dec) 72.581 kWh × 6.00 = 43 549 kop, 16 days 77.419 kWh × 6.60 = 51 097;
    # the neighbour by the norm, 2 × 50 = 100 kWh: 48.387 × 6.00 = 29 032, 51.613 × 6.60 = 34 065
    assert (run["status"], run["period"], run["as_of"]) == ("done", "2026-12", "2027-01-01")
    assert (run["accounts_total"], run["accounts_done"], run["accounts_billed"], run["accounts_skipped"]) == (2, 2, 2, 0)
    assert (run["by_readings"], run["by_average"], run["by_norm"], run["invoices"]) == (1, 0, 1, 2)
    assert run["charged_kop"] == 43549 + 51097 + 29032 + 34065
    assert run["finished_at"] and run["skipped"] == []
    assert operator.ok("GET", f"/staff/v1/billing-runs/{run['run_id']}") == run
    listed = operator.ok("GET", "/staff/v1/billing-runs", params={"supplier_id": supplier_id})["runs"]
    assert [r["run_id"] for r in listed] == [run["run_id"]]
    assert admin.ok("POST", "/staff/v1/billing-runs", json={
        "supplier_id": supplier_id, "period": "2026-12", "as_of": "2027-01-01"})["run_id"] == run["run_id"]
    assert operator.call("GET", f"/staff/v1/billing-runs/{uuid.uuid4()}").status_code == 404

    charges = me.ok("GET", f"/api/v1/accounts/{account_id}/charges", params={"limit": 200})["charges"]
    [final] = [c for c in charges if c["kind"] == "final"]
    assert final["amount_kop"] == 43549 + 51097
    assert me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["balance_kop"] <= -(43549 + 51097)

    # the invoice: numbered in the supplier's own sequence (two accounts: 1 and 2), in the archive, as a PDF
    # whose QR code carries the supplier's details and the amount due; the customer hears of it in the inbox
    [invoice] = me.ok("GET", f"/api/v1/accounts/{account_id}/invoices")["invoices"]
    assert (invoice["period"], invoice["account_number"], invoice["due_on"]) == ("2026-12", reader, "2027-01-15")
    assert invoice["number"] in (1, 2) and invoice["charged_kop"] == 43549 + 51097
    pdf = me.http.get(f"{stack.gateway_url}/api/v1/invoices/{invoice['invoice_id']}.pdf", timeout=30)
    assert (pdf.status_code, pdf.headers["Content-Type"]) == (200, "application/pdf")
    [energy] = [code for code in qr_codes(pdf.content) if "PayeeINN=7841322249" in code]
    assert f"|persAcc={reader}|" in energy and "|paymPeriod=122026" in energy
    assert f"|Sum={invoice['amount_due_energy_kop']}|" in energy
    printed = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "1000" in printed and "1150" in printed  # the meter's readings at the start and the end of December
    eventually(lambda: [n for n in me.ok("GET", "/api/v1/notifications")["notifications"]
                        if "Квитанция" in n["title"]], what="the invoice in the inbox")


def _projected(engine, supplier_id: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM account_facts WHERE supplier_id = :s"),
                            {"s": supplier_id}).scalar_one()
