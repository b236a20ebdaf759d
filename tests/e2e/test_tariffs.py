"""Tariffs through the gateway: an admin schedules a tariff version, the customer's GET /api/v1/tariffs shows
the tariff in force today with its zones, prices and hours and the scheduled change; payments' rules and roles
reach the client with their own codes (bad prices by field, a duplicate date, an operator who may only read)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.client import Customer, staff_member

pytestmark = pytest.mark.e2e

SUPPLIER = ""  # the demo supplier's id, as the stack onboarded it (the module's first fixture sets it)


@pytest.fixture(scope="module", autouse=True)
def demo_supplier(stack):
    global SUPPLIER
    SUPPLIER = stack.demo_supplier_id
NUMBER = "12-10000001"  # urban_gas_stove, one 1-zone meter; the demo tariff is in force since 2026-07-01


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


@pytest.fixture(scope="module")
def operator(stack):
    return staff_member(stack, "operator")


@pytest.fixture(scope="module")
def customer(stack):
    return Customer(stack.gateway_url).register().login()


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Moscow")).date()


def test_a_scheduled_tariff_is_shown_as_the_next_change(stack, admin, operator, customer):
    account = customer.bind(NUMBER)
    starts = today() + dt.timedelta(days=60)
    added = admin.ok("POST", "/staff/v1/tariffs", 201, json={
        "supplier_id": SUPPLIER, "category": "urban_gas_stove", "valid_from": starts.isoformat(),
        "prices": {"1": {"total": "7,45"}, "2": {"day": "8.5500", "night": "4.25"},
                   "3": {"peak": "9.6512", "semi_peak": "7.45", "night": "4.25"}}})
    assert (added["valid_from"], added["valid_until"]) == (starts.isoformat(), None)
    assert added["zone_sets"][1]["prices"][0] == {
        "zone": "day", "title": "День", "price_rub_per_kwh": "8.55", "hours": [{"from": "07:00", "to": "23:00"}]}

    view = customer.ok("GET", "/api/v1/tariffs", params={"account_id": account["account_id"]})
    assert (view["account_id"], view["category"], view["today"], view["meter_zones"]) == (
        account["account_id"], "urban_gas_stove", today().isoformat(), [1])
    assert view["category_title"] == "Городское население в домах с газовыми плитами"
    current = view["current"]
    assert (current["valid_from"], current["valid_until"]) == (
        "2026-07-01", (starts - dt.timedelta(days=1)).isoformat())
    prices = {(s["zones"], p["zone"]): (p["title"], p["price_rub_per_kwh"], [(h["from"], h["to"]) for h in p["hours"]])
              for s in current["zone_sets"] for p in s["prices"]}
    assert prices == {
        (1, "total"): ("Круглосуточные", "7.05", [("00:00", "24:00")]),
        (2, "day"): ("День", "8.11", [("07:00", "23:00")]),
        (2, "night"): ("Ночь", "4.02", [("23:00", "07:00")]),
        (3, "peak"): ("Пик", "9.17", [("07:00", "10:00"), ("17:00", "21:00")]),
        (3, "semi_peak"): ("Полупик", "7.05", [("10:00", "17:00"), ("21:00", "23:00")]),
        (3, "night"): ("Ночь", "4.02", [("23:00", "07:00")]),
    }
    assert view["next"]["tariff_id"] == added["tariff_id"] and view["next"]["valid_from"] == starts.isoformat()
    assert view["next"]["zone_sets"][2]["prices"][0]["price_rub_per_kwh"] == "9.6512"

    listed = operator.ok("GET", "/staff/v1/tariffs", params={"supplier_id": SUPPLIER, "category": "urban_gas_stove"})
    assert [t["valid_from"] for t in listed["tariffs"]][-2:] == ["2026-07-01", starts.isoformat()]
    on = operator.ok("GET", "/staff/v1/tariffs", params={"supplier_id": SUPPLIER, "on": starts.isoformat()})
    assert {t["category"]: t["valid_from"] for t in on["tariffs"]}["urban_gas_stove"] == starts.isoformat()

    again = admin.call("POST", "/staff/v1/tariffs", json={
        "supplier_id": SUPPLIER, "category": "urban_gas_stove", "valid_from": starts.isoformat(),
        "prices": {"1": {"total": "7.50"}}})
    assert again.status_code == 409 and again.json()["code"] == "tariff_exists"
    assert "valid_from" in again.json()["errors"]


def test_bad_prices_are_refused_by_field(admin):
    refused = admin.call("POST", "/staff/v1/tariffs", json={
        "supplier_id": SUPPLIER, "category": "urban_gas_stove", "valid_from": "2031-01-01",
        "prices": {"1": {"total": "7.05001"}, "2": {"day": "0", "night": "4.02"}, "3": {"peak": "9.17"},
                   "4": {"total": "1"}}})
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "invalid_tariff"
    assert set(problem["errors"]) == {"prices.1.total", "prices.2.day", "prices.3", "prices.4"}
    assert "4 знаков" in problem["errors"]["prices.1.total"] and "больше нуля" in problem["errors"]["prices.2.day"]

    unknown = admin.call("POST", "/staff/v1/tariffs", json={
        "supplier_id": SUPPLIER, "category": "moon_base", "valid_from": "2031-13-01", "prices": {}})
    assert unknown.status_code == 422 and set(unknown.json()["errors"]) == {"category", "valid_from", "prices"}
    shape = admin.call("POST", "/staff/v1/tariffs", json={
        "supplier_id": SUPPLIER, "category": "urban_gas_stove", "valid_from": "2031-01-01",
        "prices": {"1": {"total": 7.05}}})  # prices are strings: a shape error of the gateway
    assert shape.status_code == 422 and shape.json()["code"] == "invalid_input"


def test_an_operator_reads_but_cannot_add(operator, customer):
    refused = operator.call("POST", "/staff/v1/tariffs", json={
        "supplier_id": SUPPLIER, "category": "urban_gas_stove", "valid_from": "2032-01-01",
        "prices": {"1": {"total": "7.05"}}})
    assert refused.status_code == 403 and refused.json()["code"] == "staff_only"
    assert operator.call("POST", "/staff/v1/consumption-norms", json={
        "supplier_id": SUPPLIER, "category": "urban_gas_stove", "residents": 1, "valid_from": "2032-01-01",
        "kwh_per_month": "93"}).status_code == 403
    assert operator.ok("GET", "/staff/v1/tariff-categories")["categories"]
    wrong_door = customer.call("GET", "/staff/v1/tariffs")
    assert wrong_door.status_code == 401 and wrong_door.json()["code"] == "wrong_audience"


def test_without_a_scheduled_change_next_is_null(customer):
    account = customer.bind("12-10000002")  # urban_electric_stove, a 2-zone meter: nobody schedules its tariff here
    view = customer.ok("GET", "/api/v1/tariffs", params={"account_id": account["account_id"]})
    assert (view["category"], view["meter_zones"], view["next"]) == ("urban_electric_stove", [2], None)
    assert (view["current"]["valid_from"], view["current"]["valid_until"]) == ("2026-07-01", None)


def test_an_account_that_is_not_mine_is_not_found(stack, customer):
    mine = customer.bind(NUMBER)
    stranger = Customer(stack.gateway_url).register().login()
    refused = stranger.call("GET", "/api/v1/tariffs", params={"account_id": mine["account_id"]})
    assert refused.status_code == 404 and refused.json()["code"] == "account_not_found"
    assert stranger.call("GET", "/api/v1/tariffs", params={"account_id": "nope"}).status_code == 404
    assert stranger.call("GET", "/api/v1/tariffs").status_code == 422


def test_categories_and_norms(admin, operator):
    category = admin.ok("PUT", "/staff/v1/tariff-categories/benefit_large_family",
                        json={"title": "Многодетные семьи"})
    assert category == {"code": "benefit_large_family", "title": "Многодетные семьи"}
    bad = admin.call("PUT", "/staff/v1/tariff-categories/Льготники", json={"title": "x"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_category" and "code" in bad.json()["errors"]

    norm = {"supplier_id": SUPPLIER, "category": "benefit_large_family", "residents": 3, "valid_from": "2026-07-01",
            "kwh_per_month": "45,5"}
    assert admin.ok("POST", "/staff/v1/consumption-norms", json=norm)["kwh_per_month"] == "45.5"
    admin.ok("POST", "/staff/v1/consumption-norms", json={**norm, "valid_from": "2031-07-01", "kwh_per_month": "47"})
    listed = operator.ok("GET", "/staff/v1/consumption-norms",
                         params={"supplier_id": SUPPLIER, "category": "benefit_large_family"})["norms"]
    assert [(n["valid_from"], n["valid_until"], n["kwh_per_month"]) for n in listed] == [
        ("2026-07-01", "2031-06-30", "45.5"), ("2031-07-01", None, "47")]
    bad_norm = admin.call("POST", "/staff/v1/consumption-norms", json={**norm, "residents": 0, "kwh_per_month": "-1"})
    assert bad_norm.status_code == 422 and bad_norm.json()["code"] == "invalid_norm"
    assert set(bad_norm.json()["errors"]) == {"residents", "kwh_per_month"}
