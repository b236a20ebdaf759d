"""Interval (hourly) profiles of legal entities through the gateway: the template round trip for 28-, 30- and
31-day months in a time zone without summer time, each .xlsx error with its cell address (nothing stored), the
integral reading first, «Дельта», staff's acceptance and rejection, deletion before acceptance, the list by
contract, nobody else's meter, and the consumption by hour after acceptance."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.client import Customer, same_problem, staff_member
from tests.e2e.interval_helpers import fill, legal_account, paths, template, this_month, upload

pytestmark = pytest.mark.e2e

# baseline, then February 2026 (28 days: 672 kWh), October (31: 744), November (30: 720)
HISTORY = [("2026-01-01", 100, 50), ("2026-02-28", 500, 322), ("2026-10-31", 1000, 566), ("2026-11-30", 1500, 786)]


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


@pytest.mark.parametrize("period, days, integral", [("2026-02", 28, 672), ("2026-11", 30, 720),
                                                    ("2026-10", 31, 744)])
def test_template_round_trip(stack, admin, period, days, integral):
    me, account, _ = legal_account(stack, admin, HISTORY)
    import io

    from python_calamine import CalamineWorkbook
    rows = CalamineWorkbook.from_filelike(io.BytesIO(template(me, account, period))).get_sheet_by_index(0).to_python()
    assert len(rows[0]) == days + 1 and f"{rows[0][1]:%Y-%m-%d}" == f"{period}-01"
    assert [r[0] for r in rows[1:]] == [f"{h:02d}-{h + 1:02d}" for h in range(24)]

    response = upload(me, account, fill(template(me, account, period), "1,0000001"))
    assert response.status_code == 201, response.text
    profile = response.json()
    assert (profile["status"], profile["period"], profile["hours"], len(profile["days"])) == (
        "pending", period, days * 24, days)
    assert profile["total_kwh"] == f"{days * 24 * 1.0000001:.7f}"
    assert profile["integral_kwh"] == f"{integral}.0000000"
    assert profile["delta_kwh"] == f"{-days * 24 * 0.0000001:.7f}"  # «Дельта» = integral − profile
    got = me.ok("GET", f"{paths(account)[1]}/{profile['profile_id']}")
    assert got["days"][-1]["date"] == f"{period}-{days}" and got["days"][0]["values"][0] == "1.0000001"


ERRORS = [
    ("D7", "abc", "не число"), ("C3", -1, "отрицательное значение"), ("E4", 1.12345678, "больше 7 знаков"),
    ("B1", "вчера", "неверная дата"), ("AG2", 5, "лишний столбец"), ("A26", "24-25", "лишняя строка"),
    ("F9", None, "пустая ячейка"), ("A5", "3-5", "ожидается час «03-04»"),
]


def test_each_bad_cell_is_reported_by_address_and_nothing_is_stored(stack, admin):
    me, account, _ = legal_account(stack, admin, HISTORY)
    blank = template(me, account, "2026-11")

    def edit(sheet):
        sheet.delete_rows(25)  # no «23-24»
        for cell, value, _ in ERRORS:
            sheet[cell] = value
    response = upload(me, account, fill(blank, 1, edit))
    assert response.status_code == 422 and response.json()["code"] == "invalid_interval_file", response.text
    errors = response.json()["errors"]
    for cell, _, message in ERRORS:
        assert message in errors[cell], (cell, errors)
    assert "нет строки «23-24»" in errors["A25"] and "ошиб" in response.json()["detail"]
    wrong_month = upload(me, account, fill(template(me, account, "2026-10")), period="2026-11").json()
    assert wrong_month["errors"]["B1"] == "ожидается 01.11.2026, а не 01.10.2026"
    assert "лишний столбец" in wrong_month["errors"]["AF1"]
    everything = upload(me, account, fill(blank, "x")).json()
    assert len(everything["errors"]) == 100 and "720 ошибок" in everything["detail"]
    garbage = upload(me, account, b"not an xlsx")
    assert garbage.status_code == 422 and "file" in garbage.json()["errors"]
    assert me.ok("GET", paths(account)[1])["profiles"] == []


def test_the_integral_reading_first(stack, admin):
    me, account, _ = legal_account(stack, admin, HISTORY[:1])
    period = this_month()
    content = fill(template(me, account, period), 2)
    refused = upload(me, account, content)
    assert refused.status_code == 409 and refused.json()["code"] == "integral_reading_required"
    assert refused.json()["detail"] == "Для отправки интервальных показаний необходимо сначала передать интегральные."
    me.submit(account["account_id"], account["meters"][0]["meter_id"], {"day": "300", "night": "150"})
    profile = upload(me, account, content).json()
    assert profile["status"] == "pending" and profile["integral_kwh"] == "300.0000000"
    assert upload(me, account, content).json()["profile_id"] == profile["profile_id"]  # the same file: a retry
    other = upload(me, account, fill(template(me, account, period), 3))
    assert other.status_code == 409 and other.json()["code"] == "interval_profile_exists"


def test_staff_accept_and_reject_delete_before_acceptance_and_the_series_by_hour(stack, admin):
    me, account, contract = legal_account(stack, admin, HISTORY, ratio="40")
    operator = staff_member(stack, "operator")
    _, profiles = paths(account)
    nov = upload(me, account, fill(template(me, account, "2026-11"), 40), mode="ratio").json()  # 1 kWh × КТ
    assert nov["integral_kwh"] == "28800.0000000" and nov["delta_kwh"] == "0.0000000"
    feb = upload(me, account, fill(template(me, account, "2026-02"), 1)).json()
    oct_ = upload(me, account, fill(template(me, account, "2026-10"), 1)).json()

    rejected = operator.call("POST", f"/staff/v1/interval-profiles/{feb['profile_id']}/reject", json={})
    assert rejected.status_code == 422 and rejected.json()["code"] == "reason_required"
    rejected = operator.ok("POST", f"/staff/v1/interval-profiles/{feb['profile_id']}/reject",
                           json={"reason": "Не сходится с актом"})
    assert rejected["status"] == "rejected" and rejected["reason"] == "Не сходится с актом"
    assert upload(me, account, fill(template(me, account, "2026-02"), 1)).status_code == 201  # again after it

    assert me.ok("DELETE", f"{profiles}/{oct_['profile_id']}")["status"] == "deleted"
    assert upload(me, account, fill(template(me, account, "2026-10"), 1)).status_code == 201

    queue = operator.ok("GET", "/staff/v1/interval-profiles", params={"supplier_id": account["supplier_id"]})
    assert [p["profile_id"] for p in queue["profiles"]][0] == nov["profile_id"]  # oldest first
    assert {p["status"] for p in queue["profiles"]} == {"pending"} and len(queue["profiles"]) == 3
    assert me.call("GET", "/staff/v1/interval-profiles").status_code in (401, 403)
    customer_try = me.call("POST", f"/staff/v1/interval-profiles/{nov['profile_id']}/accept", json={})
    assert customer_try.status_code in (401, 403)
    accepted = operator.ok("POST", f"/staff/v1/interval-profiles/{nov['profile_id']}/accept", json={})
    assert accepted["status"] == "accepted" and accepted["decided_at"]
    late = me.call("DELETE", f"{profiles}/{nov['profile_id']}")
    assert late.status_code == 409 and late.json()["code"] == "interval_profile_decided"
    again = operator.call("POST", f"/staff/v1/interval-profiles/{nov['profile_id']}/reject", json={"reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "interval_profile_not_pending"

    hours = me.ok("GET", f"/api/v1/accounts/{account['account_id']}/consumption",
                  params={"granularity": "hour", "from": "2026-11", "to": "2026-11"})
    assert hours["timezone"] == "Asia/Yekaterinburg" and len(hours["points"]) == 720
    first, eight = hours["points"][0], hours["points"][8]
    assert first["period"] == "2026-11-01T00:00" and first["start"] == "2026-10-31T19:00:00Z"
    assert first["zones"] == [{"zone": "night", "kwh": "1.000"}] and eight["zones"][0]["zone"] == "day"
    days = me.ok("GET", f"/api/v1/accounts/{account['account_id']}/consumption",
                 params={"granularity": "day", "from": "2026-11", "to": "2026-11"})
    assert days["points"][0]["total_kwh"] == "24.000" and len(days["points"]) == 30

    by_contract = me.ok("GET", "/api/v1/interval-profiles", params={"contract": contract})["profiles"]
    assert {p["status"] for p in by_contract} == {"accepted", "rejected", "deleted", "pending"}
    assert all("days" not in p or not p["days"] for p in by_contract)
    accepted_only = me.ok("GET", "/api/v1/interval-profiles", params={"status": "accepted"})["profiles"]
    assert [p["profile_id"] for p in accepted_only] == [nov["profile_id"]]


def test_only_legal_entities_and_nobody_elses_meter(stack, admin):
    me, account, contract = legal_account(stack, admin, HISTORY)
    household, house_account, _ = legal_account(stack, admin, HISTORY, category="urban_gas_stove")
    refused = household.call("GET", paths(house_account)[0], params={"period": "2026-11"})
    assert refused.status_code == 409 and refused.json()["code"] == "interval_not_for_account"

    profile = upload(me, account, fill(template(me, account, "2026-11"))).json()
    other = Customer(stack.gateway_url).register().login()
    nobody = {"account_id": str(uuid.uuid4()), "meters": [{"meter_id": str(uuid.uuid4())}]}
    for theirs, nobodys in [
        (other.call("GET", paths(account)[0], params={"period": "2026-11"}),
         other.call("GET", paths(nobody)[0], params={"period": "2026-11"})),
        (upload(other, account, fill(template(me, account, "2026-11"))),
         upload(other, nobody, fill(template(me, account, "2026-11")))),
        (other.call("GET", paths(account)[1]), other.call("GET", paths(nobody)[1])),
        (other.call("GET", f"{paths(account)[1]}/{profile['profile_id']}"),
         other.call("GET", f"{paths(nobody)[1]}/{profile['profile_id']}")),
        (other.call("DELETE", f"{paths(account)[1]}/{profile['profile_id']}"),
         other.call("DELETE", f"{paths(nobody)[1]}/{profile['profile_id']}")),
    ]:
        assert theirs.status_code == 404 and same_problem(theirs) == same_problem(nobodys)
    assert other.ok("GET", "/api/v1/interval-profiles")["profiles"] == []
    not_mine = other.call("GET", "/api/v1/interval-profiles", params={"contract": contract})
    assert not_mine.status_code == 404 and not_mine.json()["code"] == "contract_not_found"
    assert me.ok("GET", f"{paths(account)[1]}/{profile['profile_id']}")["status"] == "pending"
