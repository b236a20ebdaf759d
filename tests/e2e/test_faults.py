"""Faults between a commit and its publish, and redelivery: the charge is posted exactly once.

These tests stop and start real processes of the session's stack (the readings
worker that runs the outbox relay, and nats-server itself).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from decimal import Decimal

import nats
import pytest

from tests.e2e.client import Customer, eventually

pytestmark = pytest.mark.e2e


def submit_next(me: Customer, account: dict) -> dict:
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    values = {z: str(Decimal(v) + Decimal("3.5")) for z, v in me.last_values(account_id).items()}
    return me.submit(account_id, meter_id, values)


def assert_one_charge(me: Customer, account_id: str, reading_id: str) -> dict:
    eventually(lambda: me.charge_for(account_id, reading_id), timeout=30, what="the charge")
    time.sleep(1.0)  # give a duplicate every chance to land
    charges = me.charge_for(account_id, reading_id)
    assert len(charges) == 1, charges
    return charges[0]


def test_relay_down_between_commit_and_publish(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000001")
    stack.supervisor.stop("readings-worker")
    try:
        reading = submit_next(me, account)  # committed with its event in the outbox
        time.sleep(1.5)
        assert me.charge_for(account["account_id"], reading["reading_id"]) == []
    finally:
        stack.supervisor.restart("readings-worker")
    assert_one_charge(me, account["account_id"], reading["reading_id"])


def test_nats_down_between_commit_and_publish(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000002")
    stack.nats.stop()
    try:
        reading = submit_next(me, account)  # the request path does not need NATS
        time.sleep(1.0)
    finally:
        stack.nats.start()
    assert_one_charge(me, account["account_id"], reading["reading_id"])
    eventually(lambda: me.call("GET", "/readyz").status_code == 200, timeout=30, what="readiness again")


def test_a_redelivered_event_has_one_effect(stack):
    me = Customer(stack.gateway_url).register().login()
    account = me.bind("12-10000003")
    reading = submit_next(me, account)
    assert_one_charge(me, account["account_id"], reading["reading_id"])

    async def republish() -> None:
        nc = await nats.connect(stack.nats_url)
        js = nc.jetstream()
        info = await js.stream_info("READINGS")
        for seq in range(info.state.last_seq, info.state.first_seq - 1, -1):
            msg = await js.get_msg("READINGS", seq)
            if reading["reading_id"].encode() in msg.data:
                break
        else:
            raise AssertionError("the event is not in the stream")
        # A new message id: JetStream's dedup does not help; only the consumer can.
        ack = await js.publish(msg.subject, msg.data, headers={"Nats-Msg-Id": uuid.uuid4().hex})
        consumers = [c for c in await js.consumers_info("READINGS") if c.name.startswith("payments")]
        assert consumers, "payments has no consumer on READINGS"
        async with asyncio.timeout(30):
            while True:
                states = [await js.consumer_info("READINGS", c.name) for c in consumers]
                if all(s.delivered.stream_seq >= ack.seq and s.num_ack_pending == 0 for s in states):
                    break
                await asyncio.sleep(0.1)
        await nc.close()

    asyncio.run(republish())
    assert_one_charge(me, account["account_id"], reading["reading_id"])
