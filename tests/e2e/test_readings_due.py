"""«Необходимо заявить показания» through the gateway: the flag appears on the account and the dashboard when the
supplier's window opens (today's date, in Moscow, moved into it), never for an АИИС КУЭ account, and clears when a
reading is submitted; staff plan the readings.due reminders with the test clock, once per account, period and
kind; the new routes refuse other customers and non-admins."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.client import Customer, eventually, same_problem, staff_member
from tests.e2e.readings_accounts import bound, own_accounts

pytestmark = pytest.mark.e2e
MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


def closed_today() -> tuple[int, int]:
    """A window that does not include today (Moscow)."""
    day = dt.datetime.now(MSK).day
    return (2, 31) if day == 1 else (1, day - 1)


def due(me: Customer, account_id: str) -> dict:
    return me.ok("GET", f"/api/v1/accounts/{account_id}/readings/due")


def dashboard_due(me: Customer) -> dict[str, tuple]:
    groups = me.ok("GET", "/api/v1/dashboard")["groups"]
    return {a["account_id"]: (a["readings_due"], a["readings_window"]) for g in groups for a in g["accounts"]}


def test_the_flag_appears_when_the_window_opens_and_clears_on_submission(stack, admin):
    supplier, made = own_accounts(admin, 2, window=closed_today(), automatic=1)
    me, (plain, automatic) = bound(stack, made)
    today = dt.datetime.now(MSK).date()

    closed = eventually(lambda: (lambda d: d if not d["window_open"] else None)(due(me, plain["account_id"])),
                        what="the closed window projected")
    assert (closed["readings_due"], closed["submitted"]) == (False, False)
    assert closed["window_from"] > today.isoformat()  # the next window, next month
    assert dashboard_due(me)[plain["account_id"]][0] is False

    admin.ok("PATCH", f"/staff/v1/suppliers/{supplier['supplier_id']}",
             json={"readings_window": {"from_day": today.day, "to_day": 31}})
    opened = eventually(lambda: (lambda d: d if d["readings_due"] else None)(due(me, plain["account_id"])),
                        what="the flag once the window opens")
    assert (opened["window_open"], opened["period"], opened["window_from"]) == (
        True, f"{today:%Y-%m}", today.isoformat())
    never = due(me, automatic["account_id"])
    assert (never["readings_due"], never["window_open"], never["automatic_metering"]) == (False, True, True)
    flags, window = dashboard_due(me)[plain["account_id"]]
    assert flags is True and window == {"period": f"{today:%Y-%m}", "from": today.isoformat(),
                                        "to": opened["window_to"], "open": True}
    assert dashboard_due(me)[automatic["account_id"]][0] is False

    me.submit(plain["account_id"], plain["meters"][0]["meter_id"], {"total": "120"})
    cleared = due(me, plain["account_id"])
    assert (cleared["readings_due"], cleared["submitted"]) == (False, True)
    assert dashboard_due(me)[plain["account_id"]][0] is False


def test_staff_plan_the_reminders_once_per_account_period_and_kind_with_the_test_clock(stack, admin):
    supplier, made = own_accounts(admin, 3, window=(10, 20), automatic=1)
    me, accounts = bound(stack, made)
    ids = [a["account_id"] for a in accounts]
    engine = create_engine(stack.database_url("readings"))

    def planned() -> list[tuple]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(
                "SELECT n.account_id::text, n.period, n.kind, (SELECT count(*) FROM outbox o WHERE o.subject = "
                "'readings.due' AND o.aggregate_id = n.account_id::text) FROM readings_due_notices n "
                "WHERE n.supplier_id = :s ORDER BY 1, 3"), {"s": supplier["supplier_id"]})]

    eventually(lambda: len(set(ids) & set(_projected(engine, supplier["supplier_id"]))) == 3,
               what="the accounts projected")
    eventually(lambda: _window(engine, supplier["supplier_id"]) == (10, 20), what="the window projected")
    before = admin.ok("POST", "/staff/v1/readings/due/run", json={"as_of": "2031-03-09T12:00:00+03:00"})
    assert before["as_of"].startswith("2031-03-09") and planned() == []

    first = admin.ok("POST", "/staff/v1/readings/due/run", json={"as_of": "2031-03-10T12:00:00+03:00"})
    assert first["opened"] >= 2 and first["closing"] == 0
    assert planned() == [(i, dt.date(2031, 3, 1), "opened", 1) for i in sorted(ids[:2])]
    again = admin.ok("POST", "/staff/v1/readings/due/run", json={"as_of": "2031-03-11T08:00:00+03:00"})
    assert planned() == [(i, dt.date(2031, 3, 1), "opened", 1) for i in sorted(ids[:2])], again

    admin.ok("POST", "/staff/v1/readings/due/run", json={"as_of": "2031-03-18T12:00:00+03:00"})
    admin.ok("POST", "/staff/v1/readings/due/run", json={"as_of": "2031-03-19T12:00:00+03:00"})
    assert planned() == sorted([(i, dt.date(2031, 3, 1), k, 2) for i in ids[:2] for k in ("closing", "opened")])
    engine.dispose()


def test_the_new_routes_refuse_other_customers_and_non_admins(stack, admin):
    _, made = own_accounts(admin, 1)
    me, [account] = bound(stack, made)
    stranger = Customer(stack.gateway_url).register().login()
    refused = stranger.call("GET", f"/api/v1/accounts/{account['account_id']}/readings/due")
    unknown = stranger.call("GET", f"/api/v1/accounts/{uuid.uuid4()}/readings/due")
    assert refused.status_code == unknown.status_code == 404
    assert same_problem(refused) == same_problem(unknown)
    assert stranger.call("GET", "/api/v1/accounts/not-a-uuid/readings/due").status_code == 404
    assert me.call("POST", "/staff/v1/readings/due/run", json={}).status_code in (401, 403)
    operator = staff_member(stack, "operator")
    assert operator.call("POST", "/staff/v1/readings/due/run", json={}).status_code == 403
    anonymous = Customer(stack.gateway_url)
    assert anonymous.call("GET", f"/api/v1/accounts/{account['account_id']}/readings/due").status_code == 401


def _projected(engine, supplier_id: str) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(text("SELECT account_id::text FROM account_facts WHERE supplier_id = :s"),
                                 {"s": supplier_id}))


def _window(engine, supplier_id: str) -> tuple[int, int] | None:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT window_from_day, window_to_day FROM supplier_facts WHERE supplier_id = :s"),
                           {"s": supplier_id}).first()
    return tuple(row) if row else None
