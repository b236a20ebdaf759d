"""A second start on the same data keeps users, bindings, readings and charges."""

from __future__ import annotations

import pytest

from tests.e2e.client import Customer, eventually
from tests.e2e.test_faults import submit_next

pytestmark = pytest.mark.e2e


def test_everything_survives_a_restart_of_the_whole_stack(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000002")
    reading = submit_next(me, account)
    charge = eventually(lambda: me.charge_for(account["account_id"], reading["reading_id"]), what="the charge")

    stack.stop()
    stack.start()

    again = Customer(stack.gateway_url)
    again.phone = me.phone
    again.login()
    assert [a["account_id"] for a in again.ok("GET", "/api/v1/accounts")["accounts"]] == [account["account_id"]]
    assert again.ok("GET", f"/api/v1/accounts/{account['account_id']}/readings")["readings"][0]["reading_id"] \
        == reading["reading_id"]
    assert again.charge_for(account["account_id"], reading["reading_id"]) == charge
    # and the pipeline still works after the restart
    later = submit_next(again, account)
    eventually(lambda: again.charge_for(account["account_id"], later["reading_id"]), what="a new charge")
