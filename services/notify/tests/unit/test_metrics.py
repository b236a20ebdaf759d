"""What the providers took and refused is counted per channel (kabinet_notify_messages_total)."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from services.notify.adapters.delivery import Counted, UnconfiguredSender
from services.notify.domain.model import DeliveryFailed, Outgoing


class Accepting:
    def send(self, message: Outgoing) -> None:
        pass


def messages(channel: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("kabinet_notify_messages_total",
                                     {"channel": channel, "outcome": outcome}) or 0.0


def test_sent_and_failed_messages_are_counted_per_channel():
    sms = Outgoing(message_id="m-1", channel="sms", destination="+79001112233", subject="", body="1234",
                   purpose="registration")
    before = {(c, o): messages(c, o) for c in ("sms", "email") for o in ("sent", "failed")}
    Counted("sms", Accepting()).send(sms)
    with pytest.raises(DeliveryFailed):
        Counted("email", UnconfiguredSender("email")).send(sms)
    after = {key: messages(*key) for key in before}
    assert {key: after[key] - before[key] for key in before} == {
        ("sms", "sent"): 1, ("sms", "failed"): 0, ("email", "sent"): 0, ("email", "failed"): 1}
