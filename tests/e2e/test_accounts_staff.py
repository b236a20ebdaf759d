"""Staff tools through /staff/v1: search, activation codes a customer binds with, meter corrections, service
requests through their statuses, the audit log, and the registry import (good and bad rows, re-import)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import requests

from tests.e2e.client import NO_SUPPLIER_CODE, Customer, import_registry, staff_member
from tools.registry_generator import generate

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def staff(stack):
    return staff_member(stack)


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> dict[str, str]:
    """A generated registry of 20 accounts under this module's own prefix (no contracts: their numbers are
    the generator's fixed ones)."""
    out: Path = tmp_path_factory.mktemp("registry")
    generate(out, 20, prefix="63", seed=63)
    return {name: (out / f"{name}.csv").read_text(encoding="utf-8") for name in ("accounts", "meters", "payments")}


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_registry_import_reports_bad_rows_and_a_reimport_changes_nothing(stack, staff, registry):
    bad_accounts = registry["accounts"] + "012;63-99999998;;Санкт-Петербург, ул. Пустая, д. 1;urban_gas_stove\n" \
                                          f"{NO_SUPPLIER_CODE};63-99999999;Кто-то;Санкт-Петербург;urban_gas_stove\n"
    bad_meters = registry["meters"] + "012;63-77777777;1234;Меркурий 201.5;1;5;1;2030-01-01\n"
    first = import_registry(staff, accounts=bad_accounts, meters=bad_meters, payments=registry["payments"])
    files = {f["kind"]: f for f in first["files"]}
    assert (files["accounts"]["rows"], files["accounts"]["inserted"]) == (22, 20)
    assert [r["line"] for r in files["accounts"]["rejected"]] == [22, 23]  # the header is line 1
    assert all(r["reason"] for r in files["accounts"]["rejected"])
    assert files["meters"]["inserted"] == 20 and [r["line"] for r in files["meters"]["rejected"]] == [22]
    assert files["payments"]["inserted"] == 40 and not files["payments"]["rejected"]

    again = import_registry(staff, accounts=registry["accounts"], meters=registry["meters"],
                            payments=registry["payments"])
    assert again["changed_accounts"] == 0
    for report in again["files"]:
        assert (report["inserted"], report["updated"], report["closed"], report["rejected"]) == (0, 0, 0, []), report
        assert report["unchanged"] == report["rows"]

    found = staff.ok("GET", "/staff/v1/accounts", params={"number": "63-00000003"})["accounts"]
    assert [a["number"] for a in found] == ["63-00000003"]
    assert staff.call("GET", "/staff/v1/accounts", params={"number": "63-99999999"}).json()["accounts"] == []

    missing = staff.call("POST", "/staff/v1/registry", files={"pets": ("pets.csv", b"a;b\n", "text/csv")})
    assert missing.status_code == 422
    header = staff.call("POST", "/staff/v1/registry", files={"accounts": ("a.csv", b"x;y\n1;2\n", "text/csv")})
    assert header.status_code == 422 and header.json()["code"] == "registry_header"
    customer = Customer(stack.gateway_url).register().login()
    refused = customer.call("POST", "/staff/v1/registry", files={"accounts": ("a.csv", b"x\n", "text/csv")})
    assert refused.status_code == 401 and refused.json()["code"] == "wrong_audience"


def test_a_registry_bigger_than_the_ordinary_body_limit_is_accepted(stack, staff, registry):
    # this route alone takes bodies past the 1 MB limit of every other route
    big = registry["payments"] + "".join(
        f"012;63-00000001;01.01.2020;1,00;bank;bulk-{i:06d}\n" for i in range(25000))
    assert len(big.encode()) > 1024 * 1024
    report = import_registry(staff, payments=big)
    assert (report["files"][0]["rows"], report["files"][0]["inserted"]) == (25040, 25000)
    # on its own connection: the gateway answers 413 without reading the body, and then the connection closes
    ordinary = requests.patch(f"{stack.gateway_url}/staff/v1/service-requests/x", data="x" * (1024 * 1024 + 10),
                              headers={**staff.http.headers, "Content-Type": "application/json"}, timeout=15)
    assert ordinary.status_code == 413


def test_search_activation_code_bind_and_meter_correction(stack, staff, registry):
    account_row = rows(registry["accounts"])[5]
    number = account_row["account_number"]
    [found] = staff.ok("GET", "/staff/v1/accounts", params={"number": number})["accounts"]
    assert found["holder"] == account_row["holder"] and found["bindings"] == []
    by_holder = staff.ok("GET", "/staff/v1/accounts", params={"holder": account_row["holder"][:6].lower()})
    assert number in [a["number"] for a in by_holder["accounts"]]
    meter_number = next(m for m in rows(registry["meters"]) if m["account_number"] == number)["meter_number"]
    by_meter = staff.ok("GET", "/staff/v1/accounts", params={"meter_number": meter_number})["accounts"]
    assert [a["number"] for a in by_meter] == [number]
    phone = staff.call("GET", "/staff/v1/accounts", params={"phone": "+79001234567"})
    assert phone.status_code == 422 and "phone" in phone.json()["errors"]
    nothing = staff.call("GET", "/staff/v1/accounts")
    assert nothing.status_code == 422

    issued = staff.ok("POST", f"/staff/v1/accounts/{found['account_id']}/activation-code", 201)
    assert issued["code"] and issued["expires_at"]
    customer = Customer(stack.gateway_url).register().login()
    bound = customer.ok("POST", "/api/v1/accounts", 201, json={
        "number": number, "proof": {"activation_code": issued["code"].lower().replace("-", " ")}})
    assert bound["account_id"] == found["account_id"]
    reused = Customer(stack.gateway_url).register().login().call("POST", "/api/v1/accounts", json={
        "number": number, "proof": {"activation_code": issued["code"]}})
    assert reused.status_code == 404 and reused.json()["code"] == "account_proof_mismatch"  # single use

    view = staff.ok("GET", f"/staff/v1/accounts/{found['account_id']}")
    me = customer.ok("GET", "/api/v1/me")
    assert [b["user_id"] for b in view["bindings"]] == [me["user_id"]]
    by_user = staff.ok("GET", "/staff/v1/accounts", params={"user_id": me["user_id"]})["accounts"]
    assert [a["account_id"] for a in by_user] == [found["account_id"]]

    meter = view["meters"][0]
    fixed = staff.ok("PATCH", f"/staff/v1/meters/{meter['meter_id']}", json={
        "verification_due": "2031-06-30", "model": "НЕВА МТ 324 1.0 AOS26", "reason": "Акт проверки №17"})
    assert (fixed["verification_due"], fixed["model"]) == ("2031-06-30", "НЕВА МТ 324 1.0 AOS26")
    assert customer.ok("GET", f"/api/v1/accounts/{bound['account_id']}")["meters"][0]["verification_due"] == \
        "2031-06-30"
    no_reason = staff.call("PATCH", f"/staff/v1/meters/{meter['meter_id']}", json={"zones": 2})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]

    audit = staff.ok("GET", "/staff/v1/audit", params={"limit": 200})["entries"]
    mine = [e for e in audit if e["entity_id"] in (found["account_id"], meter["meter_id"])]
    corrected = next(e for e in mine if e["entity_id"] == meter["meter_id"] and e["after"])
    assert corrected["before"]["verification_due"] != "2031-06-30"
    assert corrected["after"]["verification_due"] == "2031-06-30"
    assert any("code" in e["action"] for e in mine)
    assert any(e["entity"] == "registry" for e in audit)


def test_staff_process_a_service_request_through_its_statuses(stack, staff):
    customer = Customer(stack.gateway_url).register().login()
    account = customer.bind("12-10000001")
    created = customer.ok("POST", "/api/v1/service-requests", 201, json={
        "account_id": account["account_id"], "type": "electrical", "description": "Нет света в подъезде"})
    report = customer.ok("POST", f"/api/v1/accounts/{account['account_id']}/meter-error", 201,
                         json={"description": "Неверная модель счётчика"})

    queue = staff.ok("GET", "/staff/v1/service-requests", params={"account_id": account["account_id"]})["requests"]
    assert {created["request_id"], report["request_id"]} <= {r["request_id"] for r in queue}  # a shared demo account
    reports = staff.ok("GET", "/staff/v1/service-requests", params={"type": "meter_data", "status": "new",
                                                                     "limit": 500})["requests"]
    assert report["request_id"] in [r["request_id"] for r in reports]
    assert all(r["type"] == "meter_data" for r in reports)

    path = f"/staff/v1/service-requests/{created['request_id']}"
    for status in ("accepted", "in_progress", "done"):
        moved = staff.ok("PATCH", path, json={"status": status, "comment": f"-> {status}"})
        assert moved["status"] == status
    assert staff.ok("GET", path)["user_id"] == customer.ok("GET", "/api/v1/me")["user_id"]
    back = staff.call("PATCH", path, json={"status": "accepted"})
    assert back.status_code == 409 and back.json()["code"] == "request_status"

    seen = customer.ok("GET", f"/api/v1/service-requests/{created['request_id']}")
    assert [h["status"] for h in seen["history"]] == ["new", "accepted", "in_progress", "done"]
    assert seen["history"][-1]["actor"] == "staff" and "user_id" not in seen
    late = customer.call("POST", f"/api/v1/service-requests/{created['request_id']}/cancel", json={})
    assert late.status_code == 409

    audit = staff.ok("GET", "/staff/v1/audit", params={"entity_id": created["request_id"]})["entries"]
    assert len([e for e in audit if e["after"]]) >= 3


def test_customers_and_operators_do_not_reach_admin_tools(stack):
    customer = Customer(stack.gateway_url).register().login()
    assert customer.call("GET", "/staff/v1/accounts", params={"number": "12-10000001"}).status_code == 401
    operator = staff_member(stack, role="operator")
    assert operator.call("GET", "/staff/v1/accounts", params={"number": "12-10000001"}).status_code == 200
    denied = operator.call("GET", "/staff/v1/audit")
    assert denied.status_code == 403 and denied.json()["code"] == "staff_only"
    upload = operator.call("POST", "/staff/v1/registry", files={"accounts": ("a.csv", b"x\n", "text/csv")})
    assert upload.status_code == 403
