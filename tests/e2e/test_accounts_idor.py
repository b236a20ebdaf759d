"""IDOR suite: for every account, contract, group and service-request route, another customer gets 404 and
learns nothing — the answer for someone else's id is the answer for an id that does not exist — and the owner's
things are untouched afterwards."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.client import Customer, bind_contract, demo_account, new_contract, same_problem, staff_member

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def owner_things(stack):
    staff = staff_member(stack)
    owner = Customer(stack.gateway_url).register().login()
    account = owner.bind("12-10000003")
    group = owner.ok("POST", "/api/v1/groups", 201, json={"name": "Секретная"})
    request = owner.ok("POST", "/api/v1/service-requests", 201, json={
        "account_id": account["account_id"], "type": "plumbing", "description": "Течёт кран"})
    contract = bind_contract(owner, new_contract(staff))
    return owner, {"account": account["account_id"], "meter": account["meters"][0]["meter_id"],
                   "group": group["group_id"], "request": request["request_id"], "contract": contract["contract_id"]}


# (method, path template, body template); {id} is the owner's id or a random one, {meter} the owner's meter
ROUTES = {
    "account": [
        ("GET", "/api/v1/accounts/{id}", None),
        ("PATCH", "/api/v1/accounts/{id}", {"alias": "моё"}),
        ("DELETE", "/api/v1/accounts/{id}", None),
        ("POST", "/api/v1/accounts/{id}/meter-error", {"description": "ошибка"}),
        ("GET", "/api/v1/accounts/{id}/readings", None),
        ("POST", "/api/v1/accounts/{id}/readings/7f0c6a3e-0000-4000-8000-000000000001/correction",
         {"values": {"total": "1"}}),
        ("GET", "/api/v1/accounts/{id}/readings/due", None),
        ("GET", "/api/v1/accounts/{id}/balance", None),
        ("GET", "/api/v1/accounts/{id}/charges", None),
        ("GET", "/api/v1/accounts/{id}/meters/7f0c6a3e-0000-4000-8000-000000000002/interval-template.xlsx"
                "?period=2026-11", None),
        ("GET", "/api/v1/accounts/{id}/meters/7f0c6a3e-0000-4000-8000-000000000002/interval-profiles", None),
        ("DELETE", "/api/v1/accounts/{id}/meters/7f0c6a3e-0000-4000-8000-000000000002/interval-profiles/"
                   "7f0c6a3e-0000-4000-8000-000000000003", None),
        ("POST", "/api/v1/service-requests", {"account_id": "{id}", "type": "electrical", "description": "x"}),
        ("POST", "/api/v1/feedback", {"topic": "question", "text": "Про мой счёт", "account_id": "{id}"}),
    ],
    "group": [
        ("GET", "/api/v1/groups/{id}", None),
        ("PATCH", "/api/v1/groups/{id}", {"name": "Моя теперь"}),
        ("DELETE", "/api/v1/groups/{id}", None),
    ],
    "request": [
        ("GET", "/api/v1/service-requests/{id}", None),
        ("POST", "/api/v1/service-requests/{id}/cancel", {"comment": "не моё"}),
    ],
    "contract": [
        ("GET", "/api/v1/contracts/{id}", None),
        ("GET", "/api/v1/contracts/{id}/export.xlsx", None),
        ("DELETE", "/api/v1/contracts/{id}", None),
    ],
}


def fill(template, value: str):
    if isinstance(template, dict):
        return {k: fill(v, value) for k, v in template.items()}
    return template.replace("{id}", value) if isinstance(template, str) else template


@pytest.mark.parametrize("kind,method,path,body", [(k, *r) for k, routes in ROUTES.items() for r in routes])
def test_another_customer_learns_nothing(stack, owner_things, kind, method, path, body):
    _owner, ids = owner_things
    other = Customer(stack.gateway_url).register().login()
    theirs = other.call(method, fill(path, ids[kind]), json=fill(body, ids[kind]))
    nobodys = other.call(method, fill(path, str(uuid.uuid4())), json=fill(body, str(uuid.uuid4())))
    assert theirs.status_code in (403, 404), theirs.text
    assert theirs.status_code == nobodys.status_code
    assert same_problem(theirs) == same_problem(nobodys)


def test_someone_elses_group_cannot_receive_my_accounts(stack, owner_things):
    _owner, ids = owner_things
    other = Customer(stack.gateway_url).register().login()
    mine = other.bind("12-10000001")
    answers = [other.call("PATCH", f"/api/v1/accounts/{mine['account_id']}", json={"group_id": gid})
               for gid in (ids["group"], str(uuid.uuid4()))]
    assert answers[0].status_code == 404 and same_problem(answers[0]) == same_problem(answers[1])
    meter = demo_account("12-10000002")["meters"][0]["number"]
    binds = [other.call("POST", "/api/v1/accounts", json={"number": "12-10000002", "group_id": gid,
                                                            "proof": {"meter_number": meter}})
             for gid in (ids["group"], str(uuid.uuid4()))]
    assert binds[0].status_code == 404 and same_problem(binds[0]) == same_problem(binds[1])


def test_lists_show_only_my_things_and_the_owners_things_are_untouched(stack, owner_things):
    owner, ids = owner_things
    other = Customer(stack.gateway_url).register().login()
    assert other.ok("GET", "/api/v1/contracts")["contracts"] == []
    assert other.ok("GET", "/api/v1/service-requests", params={"account_id": ids["account"]})["requests"] == []
    assert ids["group"] not in [g["group_id"] for g in other.ok("GET", "/api/v1/groups")["groups"]]
    assert [a["account_id"] for a in other.ok("GET", "/api/v1/accounts")["accounts"]] == []

    # everything the IDOR attempts aimed at is still the owner's, unchanged
    account = owner.ok("GET", f"/api/v1/accounts/{ids['account']}")
    assert account["alias"] == ""
    assert owner.ok("GET", f"/api/v1/groups/{ids['group']}")["name"] == "Секретная"
    assert owner.ok("GET", f"/api/v1/service-requests/{ids['request']}")["status"] == "new"
    assert owner.ok("GET", f"/api/v1/contracts/{ids['contract']}")["contract_id"] == ids["contract"]
    assert [r["type"] for r in owner.ok("GET", "/api/v1/service-requests")["requests"]] == ["plumbing"]
