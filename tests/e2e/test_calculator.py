"""The calculator through the gateway over HTTP with every process running: a reading is previewed with
the charge it would bring, nothing is stored, and submitting it then is charged exactly that."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.e2e.client import Customer, eventually

pytestmark = pytest.mark.e2e


def bump(values: dict, by: str) -> dict:
    return {zone: str(Decimal(v) + Decimal(by)) for zone, v in values.items()}


def preview(me: Customer, account_id: str, meter_id: str, values: dict):
    return me.call("POST", f"/api/v1/accounts/{account_id}/readings/preview",
                   json={"meter_id": meter_id, "values": values})


def test_a_preview_stores_nothing_and_submitting_the_reading_is_charged_the_same(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000003")  # three zones
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    history = me.ok("GET", f"/api/v1/accounts/{account_id}/readings")["readings"]
    charges = me.ok("GET", f"/api/v1/accounts/{account_id}/charges", params={"limit": 200})["charges"]
    balance = me.ok("GET", f"/api/v1/accounts/{account_id}/balance")
    values = bump(history[0]["values"], "10.5")

    response = preview(me, account_id, meter_id, {z: v.replace(".", ",") for z, v in values.items()})
    assert response.status_code == 200, response.text
    previewed = response.json()
    assert previewed["values"] == {z: f"{Decimal(v):.3f}" for z, v in values.items()}
    assert previewed["consumption"] == {"peak": "10.500", "semi_peak": "10.500", "night": "10.500"}
    # the demo tariff of urban_gas_stove: 9.17 / 7.05 / 4.02 RUB per kWh
    assert [(line["zone"], line["consumption"], line["price_rub_per_kwh"], line["amount_kop"])
            for line in previewed["lines"]] == [("peak", "10.500", "9.17", 9629), ("semi_peak", "10.500", "7.05", 7403),
                                                ("night", "10.500", "4.02", 4221)]
    assert previewed["amount_kop"] == 9629 + 7403 + 4221
    assert previewed["tariff_valid_from"] == "2026-07-01"

    # nothing was written: no reading, no charge, the same balance
    assert me.ok("GET", f"/api/v1/accounts/{account_id}/readings")["readings"] == history
    assert me.ok("GET", f"/api/v1/accounts/{account_id}/charges", params={"limit": 200})["charges"] == charges
    assert me.ok("GET", f"/api/v1/accounts/{account_id}/balance") == balance

    reading = me.submit(account_id, meter_id, values)
    assert reading["consumption"] == previewed["consumption"]
    [charge] = eventually(lambda: me.charge_for(account_id, reading["reading_id"]), what="the charge")
    assert charge["amount_kop"] == previewed["amount_kop"]
    assert charge["lines"] == previewed["lines"]


def test_a_preview_is_refused_as_a_submission_would_be(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000002")  # two zones
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    last = me.last_values(account_id)

    bad = preview(me, account_id, meter_id, {"day": "12a", "night": last["night"]})
    assert bad.status_code == 422 and bad.headers["Content-Type"].startswith("application/problem+json")
    assert bad.json()["code"] == "invalid_reading" and set(bad.json()["errors"]) == {"day"}
    submitted = me.call("POST", f"/api/v1/accounts/{account_id}/readings",
                        json={"meter_id": meter_id, "values": {"day": "12a", "night": last["night"]}})
    assert submitted.json()["errors"] == bad.json()["errors"]

    below = preview(me, account_id, meter_id, {**last, "day": str(Decimal(last["day"]) - 100)})
    assert below.status_code == 409 and below.json()["code"] == "reading_below_previous"

    automatic = me.bind("12-10000004")
    refused = preview(me, automatic["account_id"], automatic["meters"][0]["meter_id"], {"total": "60000"})
    assert refused.status_code == 409 and refused.json()["code"] == "automatic_metering"


def test_another_customers_account_is_not_found(stack):
    owner = Customer(stack.gateway_url).register().login()
    account = owner.bind("12-10000001")
    other = Customer(stack.gateway_url).register().login()
    response = preview(other, account["account_id"], account["meters"][0]["meter_id"], {"total": "99999"})
    assert response.status_code == 404 and response.json()["code"] == "account_not_found"
    anonymous = Customer(stack.gateway_url)
    assert preview(anonymous, account["account_id"], account["meters"][0]["meter_id"],
                   {"total": "99999"}).status_code == 401
