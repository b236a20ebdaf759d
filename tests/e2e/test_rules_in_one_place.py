"""The gateway checks shape; the owning service's rules reach the client with the domain's own code and
message (issue: thin gateway). Each case here was decided by a copy of the rule in the gateway before."""

from __future__ import annotations

import pytest

from tests.e2e.client import Customer, staff_member

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def customer(stack):
    return Customer(stack.gateway_url).register().login()


@pytest.mark.parametrize("value,message", [
    ("abc", "Введите число"),
    ("-5", "отрицательными"),
    ("10500.1234", "трёх знаков"),
])
def test_readings_own_messages_reach_the_client(customer, value, message):
    account = customer.bind("12-10000001")
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    refused = customer.call("POST", f"/api/v1/accounts/{account_id}/readings",
                            json={"meter_id": meter_id, "values": {"total": value}})
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "invalid_reading"
    assert message in problem["errors"]["total"]


def test_an_unknown_zone_is_the_meters_rule(customer):
    account = customer.bind("12-10000001")
    refused = customer.call("POST", f"/api/v1/accounts/{account['account_id']}/readings",
                            json={"meter_id": account["meters"][0]["meter_id"], "values": {"moon": "1"}})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_reading"
    assert {"moon", "total"} <= set(refused.json()["errors"])


def test_zone_names_of_a_meter_come_from_accounts(customer):
    meters = {a["number"]: a["meters"][0] for a in (customer.bind(n) for n in ("12-10000002", "12-10000003"))}
    assert meters["12-10000002"]["zone_names"] == ["day", "night"]
    assert meters["12-10000003"]["zone_names"] == ["peak", "semi_peak", "night"]


def test_account_rules_answer_with_accounts_codes(customer):
    long_name = customer.call("POST", "/api/v1/groups", json={"name": "г" * 61})
    assert long_name.status_code == 422 and long_name.json()["code"] != "invalid_input"
    assert "name" in long_name.json()["errors"]

    contract = customer.call("POST", "/api/v1/contracts", json={"number": "123", "email": "a@example.org"})
    assert contract.status_code == 422 and contract.json()["code"] != "invalid_input"
    assert "number" in contract.json()["errors"]

    account = customer.bind("12-10000001")
    delivery = customer.call("PATCH", f"/api/v1/accounts/{account['account_id']}", json={"bill_delivery": "pigeon"})
    assert delivery.status_code == 422 and delivery.json()["code"] != "invalid_input"
    assert "bill_delivery" in delivery.json()["errors"]


def test_the_domain_limits_of_meter_data_apply_not_the_gateways(stack):
    """The gateway once capped the model at 100 characters and КТ at 6 integer digits; accounts allows
    200 and up to 10^8."""
    staff = staff_member(stack)
    found = staff.ok("GET", "/staff/v1/accounts", params={"number": "12-10000004"})["accounts"][0]
    meter = found["meters"][0]
    corrected = staff.ok("PATCH", f"/staff/v1/meters/{meter['meter_id']}", json={
        "model": "М" * 150, "ratio": "1234567", "reason": "проверка предельных значений"})
    assert corrected["model"] == "М" * 150 and corrected["ratio"].startswith("1234567")
    staff.ok("PATCH", f"/staff/v1/meters/{meter['meter_id']}", json={
        "model": meter["model"], "ratio": meter["ratio"], "reason": "вернуть как было"})


@pytest.mark.parametrize("meter_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_meter_that_is_not_the_accounts_is_the_domains_refusal(customer, meter_id):
    account = customer.bind("12-10000001")
    refused = customer.call("POST", f"/api/v1/accounts/{account['account_id']}/readings",
                            json={"meter_id": meter_id, "values": {"total": "1"}})
    assert refused.status_code == 422 and refused.json()["code"] == "meter_not_on_account"
