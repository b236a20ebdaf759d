"""The consumption series and its Green Button export through the gateway: months and zones from the
customer's readings with what was charged, the CSV for Excel, the ESPI Atom feed, and nobody else's account.
The account is of a supplier of the test's own."""

from __future__ import annotations

import csv
import io
import random
import uuid
from xml.etree import ElementTree as ET

import pytest

from tests.e2e.client import Customer, eventually, import_registry, new_supplier, same_problem, staff_member

pytestmark = pytest.mark.e2e
NS = {"a": "http://www.w3.org/2005/Atom", "espi": "http://naesb.org/espi"}


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


def two_zone_account(admin: Customer) -> tuple[str, str]:
    """(account number, meter number) of a new supplier's account with a day/night meter."""
    supplier = new_supplier(admin, name="АО «Графиковая сбытовая»")
    code = supplier["sms_code"]
    number, meter = f"76-{random.randrange(10**8):08d}", f"{random.randrange(10**8):08d}"
    import_registry(admin, accounts=(
        "supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
        f"automatic_metering\n{code};{number};Графиков Пётр Ильич;Санкт-Петербург, ул. Рядовая, д. 2, кв. 3;"
        "urban_gas_stove;40,0;1;gas;paper;0\n"),
        meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
               f"{code};{number};{meter};Меркурий 200;2;6;1;2030-12-31\n",
        readings=f"supplier_code;account_number;meter_number;taken_at;day;night\n"
                 f"{code};{number};{meter};2026-01-01;100;50\n")
    admin.ok("POST", "/staff/v1/tariffs", 201, json={
        "supplier_id": supplier["supplier_id"], "category": "urban_gas_stove", "valid_from": "2020-01-01",
        "prices": {"2": {"day": "6.00", "night": "3.00"}}})
    return number, meter


def test_the_series_the_csv_and_the_espi_feed_of_ones_own_account(stack, admin):
    number, meter = two_zone_account(admin)
    me = Customer(stack.gateway_url).register().login()
    account = me.ok("POST", "/api/v1/accounts", 201, json={"number": number, "proof": {"meter_number": meter}})
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    path = f"/api/v1/accounts/{account_id}/consumption"

    reading = me.submit(account_id, meter_id, {"day": "150", "night": "70"})
    charge = eventually(lambda: me.charge_for(account_id, reading["reading_id"]), what="the charge")[0]

    def series_with_charge():
        got = me.ok("GET", path)
        return got if got["points"][-1]["charged_kop"] == charge["amount_kop"] else None
    series = eventually(series_with_charge, what="the month's charge in the series")
    assert len(series["points"]) == 12 and series["granularity"] == "month" and series["charges_available"]
    month = series["points"][-1]
    assert month["zones"] == [{"zone": "day", "kwh": "50.000"}, {"zone": "night", "kwh": "20.000"}]
    assert month["total_kwh"] == "70.000" and series["to"] == month["period"]
    assert month["charged_kop"] == 50 * 600 + 20 * 300
    assert all(p["total_kwh"] == "0.000" for p in series["points"][:-1])  # the registry's baseline counts 0

    one = me.ok("GET", path, params={"from": month["period"], "to": month["period"], "meter_id": meter_id})
    assert [p["period"] for p in one["points"]] == [month["period"]] and one["meter_id"] == meter_id

    unavailable = me.call("GET", path, params={"granularity": "hour"})
    assert (unavailable.status_code, unavailable.json()["code"]) == (422, "granularity_unavailable")
    bad = me.call("GET", path, params={"from": "2026-13"})
    assert (bad.status_code, bad.json()["code"], list(bad.json()["errors"])) == (422, "invalid_input", ["from"])

    exported = me.call("GET", f"{path}.csv", params={"from": month["period"], "to": month["period"]})
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in exported.headers["Content-Disposition"]
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["период", "зона", "кВт·ч", "начислено ₽"],
                    [month["period"], "День", "50,000", "360,00"], [month["period"], "Ночь", "20,000", ""]]

    feed = me.call("GET", f"{path}.xml", params={"from": month["period"], "to": month["period"]})
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert len(root.findall("a:entry/a:content/espi:UsagePoint", NS)) == 1
    blocks = root.findall("a:entry/a:content/espi:IntervalBlock", NS)
    values = [[r.findtext("espi:value", namespaces=NS) for r in b.findall("espi:IntervalReading", NS)]
              for b in blocks]
    assert values == [["50000"], ["20000"]]  # one IntervalReading per month and zone, in Wh
    year = ET.fromstring(me.call("GET", f"{path}.xml").content)  # January's baseline is a month of 0 Wh
    assert [[r.findtext("espi:value", namespaces=NS) for r in b.findall("espi:IntervalReading", NS)]
            for b in year.findall("a:entry/a:content/espi:IntervalBlock", NS)] == [["0", "50000"], ["0", "20000"]]

    other = Customer(stack.gateway_url).register().login()
    for suffix in ("", ".csv", ".xml"):
        refused = other.call("GET", f"{path}{suffix}")
        nobodys = other.call("GET", f"/api/v1/accounts/{uuid.uuid4()}/consumption{suffix}")
        assert (refused.status_code, refused.json()["code"]) == (404, "account_not_found")
        assert same_problem(refused) == same_problem(nobodys)
