"""The submission rules through the gateway with every process running, each test on a supplier of its own
(windows are per supplier): the window refuses with its dates or takes a late reading for the next period;
an implausible reading is confirmed and flagged; a correction supersedes the reading, replaces the preliminary
charge on the ledger and is told in the inbox; staff corrections with a reason, audited; a billed reading is
not corrected; the history by meter and period a page at a time; nobody else corrects or lists."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.client import Customer, eventually, staff_member
from tests.e2e.readings_accounts import bound, own_accounts

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


def readings_db(stack, sql: str, **params) -> list:
    engine = create_engine(stack.database_url("readings"))
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params))
    finally:
        engine.dispose()


def window_known(stack, supplier_id: str, from_day: int, policy: str) -> None:
    eventually(lambda: readings_db(
        stack, "SELECT 1 FROM supplier_facts WHERE supplier_id = :s AND window_from_day = :f AND outside_policy = :p",
        s=supplier_id, f=from_day, p=policy), what="the supplier's window in readings")


def closed_window(today: dt.date) -> tuple[int, int]:
    """A window of this month that does not hold today."""
    return (today.day + 1, today.day + 2) if today.day <= 27 else (1, today.day - 1)


def post(me: Customer, account: dict, value: str, **extra):
    return me.call("POST", f"/api/v1/accounts/{account['account_id']}/readings",
                   json={"meter_id": account["meters"][0]["meter_id"], "values": {"total": value}, **extra})


def test_outside_the_window_refused_with_the_dates_or_taken_for_the_next_period(stack, admin):
    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Moscow")).date()
    first, last = closed_window(today)
    supplier, made = own_accounts(admin, 1, window=(first, last), name="АО «Оконная сбытовая»")
    window_known(stack, supplier["supplier_id"], first, "refuse")
    me, [account] = bound(stack, made)

    refused = post(me, account, "150")
    assert (refused.status_code, refused.json()["code"]) == (409, "outside_window")
    opens = today.replace(day=first) if first > today.day else (today.replace(day=1) + dt.timedelta(days=32)).replace(
        day=first)
    assert refused.json()["detail"] == (f"Показания принимаются с {first} по {last} число. "
                                        f"Следующий приём — с {opens:%d.%m.%Y}.")
    assert me.ok("GET", f"/api/v1/accounts/{account['account_id']}/readings")["readings"][0]["source"] == "registry"

    admin.ok("PATCH", f"/staff/v1/suppliers/{supplier['supplier_id']}",
             json={"readings_window": {"outside": "next_period"}})
    window_known(stack, supplier["supplier_id"], first, "next_period")
    taken = post(me, account, "150")
    assert taken.status_code == 201, taken.text
    assert (taken.json()["period"], taken.json()["status"], taken.json()["source"]) == (
        f"{opens:%Y-%m}", "accepted", "cabinet")


def test_an_implausible_reading_is_confirmed_and_flagged(stack, admin):
    _, made = own_accounts(admin, 1, name="АО «Правдоподобная сбытовая»")
    me, [account] = bound(stack, made)
    assert post(me, account, "150").status_code == 201
    asked = post(me, account, "2000")  # 1,850 kWh at once, with no history: more than 1,500 kWh per 30 days
    assert (asked.status_code, asked.json()["code"]) == (422, "confirmation_required")
    assert "confirm" in asked.json()["errors"] and "Проверьте показания" in asked.json()["detail"]
    confirmed = post(me, account, "2000", confirm=True)
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["flagged"] is True and "необычно велик" in confirmed.json()["flag_reason"]


def test_a_correction_replaces_the_charge_staff_correct_with_a_reason_and_billed_is_final(stack, admin):
    supplier, made = own_accounts(admin, 1, name="АО «Исправительная сбытовая»")
    me, [account] = bound(stack, made)
    account_id = account["account_id"]
    wrong = me.submit(account_id, account["meters"][0]["meter_id"], {"total": "150"})  # 50 kWh × 6,00 ₽
    eventually(lambda: me.charge_for(account_id, wrong["reading_id"]), what="the preliminary charge")
    assert me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["balance_kop"] == -30_000

    # nobody else corrects or lists it
    stranger = Customer(stack.gateway_url).register().login()
    for response in (stranger.call("POST", f"/api/v1/accounts/{account_id}/readings/{wrong['reading_id']}/correction",
                                   json={"values": {"total": "120"}}),
                     stranger.call("GET", f"/api/v1/accounts/{account_id}/readings")):
        assert (response.status_code, response.json()["code"]) == (404, "account_not_found")

    right = me.ok("POST", f"/api/v1/accounts/{account_id}/readings/{wrong['reading_id']}/correction", 201,
                  json={"values": {"total": "120"}})
    assert (right["corrects"], right["consumption"], right["status"]) == (
        wrong["reading_id"], {"total": "20.000"}, "accepted")
    eventually(lambda: me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["balance_kop"] == -12_000,
               what="the preliminary charge replaced on the ledger")
    eventually(lambda: [n for n in me.ok("GET", "/api/v1/notifications")["notifications"]
                        if n["title"] == "Показания исправлены"], what="the correction in the inbox")
    history = me.ok("GET", f"/api/v1/accounts/{account_id}/readings")["readings"]
    assert [(r["reading_id"], r["status"]) for r in history[:2]] == [
        (right["reading_id"], "accepted"), (wrong["reading_id"], "superseded")]
    again = me.call("POST", f"/api/v1/accounts/{account_id}/readings/{wrong['reading_id']}/correction",
                    json={"values": {"total": "110"}})
    assert (again.status_code, again.json()["code"]) == (409, "reading_superseded")

    # staff: a reason is required, a customer is not staff, the correction is audited
    path = f"/staff/v1/readings/{right['reading_id']}/correction"
    assert admin.call("POST", path, json={"values": {"total": "130"}}).status_code == 422
    assert me.call("POST", path, json={"values": {"total": "130"}, "reason": "я сам"}).status_code in (401, 403)
    operator = staff_member(stack, "operator")
    fixed = operator.ok("POST", path, 201, json={"values": {"total": "130"}, "reason": "Фото счётчика"})
    assert (fixed["source"], fixed["reason"], fixed["corrects"]) == ("staff", "Фото счётчика", right["reading_id"])
    [(action, reason)] = readings_db(stack, "SELECT action, after->>'reason' FROM audit_log WHERE entity_id = :r",
                                     r=right["reading_id"])
    assert (action, reason) == ("reading.correct", "Фото счётчика")
    eventually(lambda: me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["balance_kop"] == -18_000,
               what="the staff correction's charge")

    # the period billed: the reading is billed and no longer corrected
    period = fixed["period"]
    year, month = map(int, period.split("-"))
    as_of = dt.date(year + month // 12, month % 12 + 1, 1)
    admin.ok("POST", "/staff/v1/billing-runs", json={
        "supplier_id": supplier["supplier_id"], "period": period, "as_of": as_of.isoformat()})
    eventually(lambda: me.ok("GET", f"/api/v1/accounts/{account_id}/readings")["readings"][0]["status"] == "billed",
               what="the reading billed")
    refused = me.call("POST", f"/api/v1/accounts/{account_id}/readings/{fixed['reading_id']}/correction",
                      json={"values": {"total": "125"}})
    assert (refused.status_code, refused.json()["code"]) == (409, "reading_billed")
    assert "Передайте следующие показания" in refused.json()["detail"]


def test_the_history_by_meter_and_period_a_page_at_a_time(stack, admin):
    _, made = own_accounts(admin, 1, name="АО «Историческая сбытовая»")
    me, [account] = bound(stack, made)
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    for value in ("110", "120", "130"):
        me.submit(account_id, meter_id, {"total": value})
    path = f"/api/v1/accounts/{account_id}/readings"
    page = me.ok("GET", path, params={"meter_id": meter_id, "page_size": 2})
    assert [r["values"]["total"] for r in page["readings"]] == ["130.000", "120.000"] and page["next_page_token"]
    rest = me.ok("GET", path, params={"meter_id": meter_id, "page_size": 2, "page_token": page["next_page_token"]})
    assert [r["values"]["total"] for r in rest["readings"]] == ["110.000", "100.000"]
    assert rest["next_page_token"] == ""
    january = me.ok("GET", path, params={"period": "2026-01"})["readings"]
    assert [(r["source"], r["status"]) for r in january] == [("registry", "billed")]
    assert len(me.ok("GET", path, params={"limit": 1})["readings"]) == 1  # the former parameter still works
    bad = me.call("GET", path, params={"period": "январь"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_period")
