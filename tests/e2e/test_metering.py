"""The АИИС КУЭ feed through the gateway: a signed batch of hourly and register values from a partner of kind
metering is stored, the same batch again is stored once (all duplicates), another value for a stored hour is a
conflict; partners of another kind or another supplier are refused; staff import the same values from a CSV
with a bad row named by its line; the register value is in the account's history with source "automatic" and
charged; the account's customer still cannot submit. Every account is of a supplier of the test's own."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.client import eventually, staff_member
from tests.e2e.partner import new_partner
from tests.e2e.readings_accounts import bound, own_accounts

pytestmark = pytest.mark.e2e
BATCH = "/partners/v1/metering/readings"


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


@pytest.fixture(scope="module")
def aiis(stack, admin) -> dict:
    """A supplier with two АИИС КУЭ accounts and one that is not, a customer who bound them all, and a metering
    partner scoped to the supplier."""
    supplier, made = own_accounts(admin, 3, automatic=2, name="АО «Автоматическая сбытовая»")
    me, accounts = bound(stack, made)
    partner = new_partner(admin, kind="metering", supplier_id=supplier["supplier_id"])
    return {"supplier": supplier, "made": made, "me": me, "accounts": accounts, "partner": partner}


def last_hours(count: int, back: int = 2) -> list[str]:
    """Whole hours that are over, oldest first."""
    top = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=back)
    return [(top - dt.timedelta(hours=count - 1 - i)).isoformat() for i in range(count)]


def hourly(meter_number: str, hours: list[str], kwh: str = "0.1234567") -> dict:
    return {"meter_number": meter_number, "values": [{"at": h, "kind": "hourly", "kwh": kwh} for h in hours]}


def send(partner, batch: dict, status: int = 200) -> dict:
    return partner.ok("POST", BATCH, status, json_body=batch)


def test_a_signed_batch_is_stored_once(aiis):
    meter = aiis["made"][1][1]
    batch = {"meters": [hourly(meter, last_hours(48))]}
    # the readings service learns of the new accounts from accounts' events: wait until it knows the meter
    first = eventually(lambda: (r := send(aiis["partner"], batch))["accepted"] and r, what="the meter known")
    assert (first["received"], first["accepted"], first["duplicates"], first["rejected"]) == (48, 48, 0, 0)
    again = send(aiis["partner"], batch)
    assert (again["accepted"], again["duplicates"], again["rejected"], again["problems"]) == (0, 48, 0, [])

    changed = send(aiis["partner"], {"meters": [hourly(meter, last_hours(48)[:1], kwh="7")]})
    assert changed["accepted"] == 0
    assert [(p["index"], p["code"]) for p in changed["problems"]] == [(0, "value_conflict")]
    assert "сохранено 0.1234567" in changed["problems"][0]["message"]


def test_bad_values_are_named_and_the_good_ones_stored(aiis):
    auto, plain = aiis["made"][2][1], aiis["made"][0][1]
    hours = last_hours(3, back=100)
    eventually(lambda: send(aiis["partner"], {"meters": [hourly(auto, hours[:1])]})["accepted"], what="meter known")
    report = send(aiis["partner"], {"meters": [
        hourly(auto, hours),
        hourly(plain, hours[:1]),
        {"meter_number": "НЕТ-ТАКОГО", "values": [{"at": hours[0], "kind": "hourly", "kwh": "1"}]},
        {"meter_number": auto, "values": [{"at": hours[0][:14] + "30:00+00:00", "kind": "hourly", "kwh": "1"},
                                          {"at": hours[1], "kind": "hourly", "kwh": "1,123456789"}]}]})
    assert (report["received"], report["accepted"], report["duplicates"]) == (7, 2, 1)
    assert [(p["index"], p["code"]) for p in report["problems"]] == [
        (3, "not_automatic_metering"), (4, "meter_not_found"), (5, "invalid_time"), (6, "invalid_value")]
    assert all(p["message"] for p in report["problems"])


def test_partners_of_another_kind_or_supplier_are_refused(aiis, admin):
    batch = {"meters": [hourly(aiis["made"][1][1], last_hours(1))]}
    bank = new_partner(admin, kind="bank", supplier_id=aiis["supplier"]["supplier_id"])
    assert bank.ok("POST", BATCH, 403, json_body=batch)["code"] == "partner_only"
    elsewhere = new_partner(admin, kind="metering", supplier_id=staff_supplier(admin))
    refused = elsewhere.ok("POST", BATCH, 403, json_body={**batch, "supplier_id": aiis["supplier"]["supplier_id"]})
    assert refused["code"] == "partner_only"
    # without naming a supplier, it only reaches its own: the meter is not found there
    assert elsewhere.ok("POST", BATCH, json_body=batch)["problems"][0]["code"] == "meter_not_found"
    too_big = {"meters": [hourly(aiis["made"][1][1], last_hours(5001)), hourly(aiis["made"][2][1], last_hours(5000))]}
    assert aiis["partner"].ok("POST", BATCH, 422, json_body=too_big)["code"] == "batch_too_large"


def staff_supplier(admin) -> str:
    from tests.e2e.client import new_supplier

    return new_supplier(admin, name="АО «Чужая сбытовая»")["supplier_id"]


def test_the_register_value_is_an_automatic_reading_the_customer_sees(aiis):
    me, account, meter = aiis["me"], aiis["accounts"][1], aiis["made"][1][1]
    at = last_hours(1, back=1)[0]
    batch = {"meters": [{"meter_number": meter, "values": [{"at": at, "kind": "register",
                                                            "zones": {"total": "250,5"}}]}]}
    report = eventually(lambda: (r := send(aiis["partner"], batch))["accepted"] and r, what="the meter known")
    assert report["accepted"] == 1
    history = me.ok("GET", f"/api/v1/accounts/{account['account_id']}/readings")["readings"]
    assert (history[0]["source"], history[0]["status"], history[0]["values"], history[0]["consumption"]) == (
        "automatic", "accepted", {"total": "250.500"}, {"total": "150.500"})  # the registry's baseline is 100
    eventually(lambda: me.charge_for(account["account_id"], history[0]["reading_id"]), what="the charge")
    assert send(aiis["partner"], batch)["duplicates"] == 1
    corrected = me.ok("POST", f"/api/v1/accounts/{account['account_id']}/readings/{history[0]['reading_id']}"
                      "/correction", 409, json={"values": {"total": "240"}})
    assert corrected["code"] == "reading_not_correctable"


def test_the_customer_of_an_automatic_account_still_cannot_submit(aiis):
    account = aiis["accounts"][1]
    refused = aiis["me"].submit(account["account_id"], account["meters"][0]["meter_id"], {"total": "300"},
                                status=409)
    assert refused["code"] == "automatic_metering"


def test_staff_import_a_csv_with_a_bad_row(aiis, admin):
    meter = aiis["made"][2][1]
    hours = last_hours(2, back=200)
    content = ("meter_number;at;kind;kwh;total\n"
               f"{meter};{hours[0]};hourly;0,75;\n"
               f"{meter};{hours[1]};hourly;много;\n").encode()
    path = f"/staff/v1/metering/imports?supplier_id={aiis['supplier']['supplier_id']}"
    files = {"file": ("aiis.csv", content, "text/csv")}
    report = eventually(lambda: (r := admin.ok("POST", path, files=files))["accepted"] and r, what="the meter known")
    assert (report["received"], report["accepted"], report["rejected"]) == (2, 1, 1)
    assert (report["problems"][0]["line"], report["problems"][0]["code"]) == (3, "invalid_value")
    again = admin.ok("POST", path, files=files)
    assert (again["accepted"], again["duplicates"]) == (0, 1)
    assert aiis["me"].call("POST", path, files=files).status_code in (401, 403)
