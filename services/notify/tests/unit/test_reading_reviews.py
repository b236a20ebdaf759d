"""A rejected reading told to the customer: once per fact, with the values, the month, staff's reason and what to
do; nobody to tell without a submitter; the event handler reads the payload."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from kabinet.readings.v1 import readings_pb2 as pb

from kit.errors import InvalidInput
from kit.events import Event
from services.notify.entrypoints.events import subscriptions
from services.notify.entrypoints.reading_reviews import on_reading_rejected
from services.notify.service_layer import inbox
from services.notify.service_layer.reading_reviews import notify_reading_rejected
from services.notify.tests.unit.test_handlers import FakeUnitOfWork

USER, ACCOUNT = str(uuid.uuid4()), str(uuid.uuid4())
AT = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)


def rejected_event(customer: str = USER, period: str = "2026-11") -> Event:
    return Event(type="readings.reading.rejected", aggregate_id=ACCOUNT, occurred_at=AT, payload=pb.ReadingRejected(
        reading=pb.ReadingAccepted(reading_id=str(uuid.uuid4()), account_id=ACCOUNT, period=period,
                                   values=[pb.ZoneValue(zone="day", value="2100.000"),
                                           pb.ZoneValue(zone="night", value="900.500")]),
        reason="На фото счётчика 210", customer_id=customer, rejected_by=str(uuid.uuid4())))


def test_the_customer_is_told_once_with_the_values_the_month_and_the_reason():
    uow, event = FakeUnitOfWork(), rejected_event()
    for _ in range(2):  # a redelivered fact: the same message
        on_reading_rejected(event, uow)
    [message] = inbox.list_inbox(uow, user_id=USER, limit=10)
    assert (message.title, message.category, message.account_id) == ("Показания отклонены", "readings", ACCOUNT)
    assert message.body == ("Поставщик отклонил показания счётчика за ноябрь 2026 г. — День: 2100,000; "
                            "Ночь: 900,500. Причина: На фото счётчика 210. Они не учитываются, предварительное "
                            "начисление по ним отменено. Передайте, пожалуйста, верные показания.")


def test_nobody_to_tell_without_a_submitter_and_a_malformed_fact_is_poison():
    uow = FakeUnitOfWork()
    assert notify_reading_rejected(uow, event_id=str(uuid.uuid4()), user_id="", account_id=ACCOUNT,
                                   values={"total": Decimal(1)}, period=None, reason="x", occurred_at=AT) is None
    with pytest.raises(InvalidInput):
        on_reading_rejected(rejected_event(period="ноябрь"), uow)


def test_the_readings_subscription_hears_rejections():
    [readings] = [s for s in subscriptions({}) if s.durable == "notify-readings"]
    assert readings.handlers["readings.reading.rejected"] is on_reading_rejected
