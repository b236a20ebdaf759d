"""Delivery and the inbox with in-memory repositories and senders."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from kit.errors import NotFound
from kit.settings import ConfigError, load
from services.notify.config import NotifyConfig
from services.notify.domain.model import DeliveryFailed, message_id_for
from services.notify.service_layer import handlers

EVENT = str(uuid.uuid4())
USER = str(uuid.uuid4())
AT = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


class FakeInbox:
    def __init__(self):
        self.messages = {}

    def add(self, message):
        return self.messages.setdefault(message.message_id, message) is message

    def list_for_user(self, user_id, limit):
        mine = [m for m in self.messages.values() if m.user_id == user_id]
        return sorted(mine, key=lambda m: m.created_at, reverse=True)[:limit]


class FakeDeliveries:
    def __init__(self):
        self.rows = {}

    def get(self, message_id):
        return self.rows.get(message_id)

    def save(self, delivery):
        self.rows[delivery.message_id] = delivery


class FakeUnitOfWork:
    def __init__(self):
        self.inbox, self.deliveries = FakeInbox(), FakeDeliveries()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


class RecordingSender:
    def __init__(self, fail=None):
        self.sent, self.fail = [], fail

    def send(self, message):
        if self.fail:
            raise DeliveryFailed(self.fail)
        self.sent.append(message)


def send_code(uow, senders, **kw):
    args = dict(event_id=EVENT, channel="sms", destination="+79000000001", purpose="registration",
                code="123456", ttl_seconds=600)
    return handlers.send_code(uow, senders, **{**args, **kw})


def test_a_code_is_sent_through_its_channel_and_recorded():
    uow, sms, email = FakeUnitOfWork(), RecordingSender(), RecordingSender()
    delivery = send_code(uow, {"sms": sms, "email": email})
    assert [m.body for m in sms.sent] == ["Код подтверждения регистрации: 123456. Никому не сообщайте его."]
    assert email.sent == []
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 1, "")
    assert delivery.message_id == message_id_for(EVENT, "sms")
    assert uow.deliveries.get(delivery.message_id) is delivery


def test_a_message_that_went_out_is_not_sent_again():
    uow, sms = FakeUnitOfWork(), RecordingSender()
    send_code(uow, {"sms": sms})
    send_code(uow, {"sms": sms})
    assert len(sms.sent) == 1


def test_a_failed_delivery_is_recorded_with_its_reason():
    uow = FakeUnitOfWork()
    delivery = send_code(uow, {"sms": RecordingSender(fail="gateway said 503")})
    assert (delivery.status, delivery.attempts, delivery.error) == ("failed", 1, "gateway said 503")
    retried = send_code(uow, {"sms": RecordingSender()})
    assert (retried.status, retried.attempts, retried.error) == ("sent", 2, "")


def test_reading_and_charge_messages_go_to_the_user_once():
    uow = FakeUnitOfWork()
    for _ in range(2):
        handlers.notify_reading_accepted(uow, event_id=EVENT, user_id=USER, account_id="a1",
                                         values={"total": Decimal("10500.500")},
                                         consumption={"total": Decimal("50.500")}, occurred_at=AT)
    handlers.notify_charge_posted(uow, event_id=str(uuid.uuid4()), user_id=USER, account_id="a1",
                                  kind="preliminary", amount_kop=35603, balance_kop=-180678,
                                  occurred_at=AT + dt.timedelta(seconds=1))
    titles = [m.title for m in handlers.list_inbox(uow, user_id=USER, limit=10)]
    assert titles == ["Предварительное начисление: 356,03\u00a0₽", "Показания приняты"]


def test_facts_without_a_user_make_no_inbox_message():
    uow = FakeUnitOfWork()
    assert handlers.notify_charge_posted(uow, event_id=EVENT, user_id="", account_id="a1", kind="preliminary",
                                         amount_kop=1, balance_kop=0, occurred_at=AT) is None
    assert uow.inbox.messages == {}


def test_the_dev_outbox_does_not_exist_outside_dev_and_test():
    with pytest.raises(NotFound):
        handlers.list_dev_outbox(FakeUnitOfWork(), enabled=False, destination="", limit=10)


BASE = dict(database_url="postgresql+psycopg://x@h/kabinet_notify", nats_url="nats://127.0.0.1:4222")


def test_dev_adapters_are_the_default_in_dev_and_refused_in_production():
    dev = load(NotifyConfig, profile="test", **BASE)
    assert (dev.sms_adapter, dev.email_adapter) == ("dev", "dev")
    prod = load(NotifyConfig, profile="prod", **BASE)
    assert (prod.sms_adapter, prod.email_adapter) == ("none", "none")
    with pytest.raises(ConfigError):
        load(NotifyConfig, profile="prod", sms_adapter="dev", **BASE)
    with pytest.raises(ConfigError):
        load(NotifyConfig, profile="dev", email_adapter="carrier-pigeon", **BASE)
