"""Legal contracts through the gateway: bind by number + e-mail, the link from the e-mail (single use),
one cabinet per contract, .xlsx export, removal."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.e2e.client import (
    Customer,
    bind_contract,
    confirmation_token,
    new_contract,
    same_problem,
    staff_member,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def staff(stack):
    return staff_member(stack)


def test_binding_by_the_link_from_the_email_which_works_once(stack, staff):
    contract = new_contract(staff)
    org = Customer(stack.gateway_url).register().login()
    email = contract["emails"][1].upper()  # any listed e-mail, case does not matter
    asked = org.ok("POST", "/api/v1/contracts", 202, json={"number": contract["number"], "email": email})
    assert asked["link_ttl_seconds"] == 24 * 3600
    wrong = org.ok("POST", "/api/v1/contracts", 202, json={"number": contract["number"],
                                                           "email": "stranger@example.ru"})
    assert wrong["link_ttl_seconds"] == asked["link_ttl_seconds"]  # the same neutral reply, whatever matched
    assert (wrong["detail"].lower().replace("stranger@example.ru", "@")
            == asked["detail"].lower().replace(email.lower(), "@"))
    assert org.ok("GET", "/api/v1/contracts")["contracts"] == []  # nothing until the link is followed

    token = confirmation_token(org, contract["emails"][1])
    # the link may be opened where nobody is signed in (the accountant's computer)
    stranger_browser = Customer(stack.gateway_url)
    confirmed = stranger_browser.ok("POST", "/api/v1/contracts/confirm", json={"token": token})
    assert confirmed["number"] == contract["number"]
    reused = stranger_browser.call("POST", "/api/v1/contracts/confirm", json={"token": token})
    assert reused.status_code == 404 and reused.json()["code"] == "contract_link_invalid"
    forged = stranger_browser.call("POST", "/api/v1/contracts/confirm", json={"token": token[:-4] + "AAAA"})
    assert same_problem(forged) == same_problem(reused)

    [listed] = org.ok("GET", "/api/v1/contracts")["contracts"]
    assert (listed["contract_id"], listed["holder"], sorted(listed["emails"])) == (
        confirmed["contract_id"], contract["holder"], sorted(contract["emails"]))
    assert listed["bound_at"]
    again = org.call("POST", "/api/v1/contracts", json={"number": contract["number"], "email": contract["emails"][0]})
    assert again.status_code == 409 and again.json()["code"] == "contract_already_bound"


def test_a_second_cabinet_is_refused_without_learning_whose(stack, staff):
    contract = new_contract(staff)
    first = Customer(stack.gateway_url).register().login()
    bind_contract(first, contract)
    second = Customer(stack.gateway_url).register().login()
    refused = second.call("POST", "/api/v1/contracts", json={"number": contract["number"],
                                                             "email": contract["emails"][0]})
    assert refused.status_code == 409 and refused.json()["code"] == "contract_taken"
    assert first.phone not in refused.text and first.phone[-10:] not in refused.text
    assert second.ok("GET", "/api/v1/contracts")["contracts"] == []


def test_export_to_xlsx_and_removal(stack, staff):
    contract = new_contract(staff)
    org = Customer(stack.gateway_url).register().login()
    bound = bind_contract(org, contract)
    export = org.call("GET", f"/api/v1/contracts/{bound['contract_id']}/export.xlsx")
    assert export.status_code == 200
    assert export.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="dogovor-{contract["number"]}.xlsx"' in export.headers["Content-Disposition"]
    assert export.headers["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any(contract["number"] in c for c in cells) and any(contract["holder"] in c for c in cells)

    dashboard = org.ok("GET", "/api/v1/dashboard")
    assert [c["number"] for c in dashboard["contracts"]] == [contract["number"]]

    org.ok("DELETE", f"/api/v1/contracts/{bound['contract_id']}", 204)
    assert org.call("GET", f"/api/v1/contracts/{bound['contract_id']}").status_code == 404
    assert org.ok("GET", "/api/v1/contracts")["contracts"] == []
    # once removed it may be bound again by whoever confirms one of its e-mails
    other = Customer(stack.gateway_url).register().login()
    assert bind_contract(other, contract)["number"] == contract["number"]


def test_contract_input_is_validated(stack):
    org = Customer(stack.gateway_url).register().login()
    bad = org.call("POST", "/api/v1/contracts", json={"number": "123", "email": "not-an-email"})
    assert bad.status_code == 422 and {"number", "email"} <= set(bad.json()["errors"])
    anonymous = Customer(stack.gateway_url).call("POST", "/api/v1/contracts", json={
        "number": "78078078078000", "email": "a@b.ru"})
    assert anonymous.status_code == 401
