"""Delivery and the inbox with in-memory repositories and senders."""

import datetime as dt
import uuid

import pytest

from kit.errors import NotFound
from kit.settings import ConfigError, load
from services.notify.config import NotifyConfig
from services.notify.domain.model import DeliveryFailed, message_id_for
from services.notify.service_layer.delivery import Retries, RetryDelivery, list_dev_outbox
from services.notify.service_layer.delivery import send_code as _send_code

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
        self.commits = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def commit(self):
        self.commits += 1


class RecordingSender:
    def __init__(self, fail=None, *, permanent=False, failures=None):
        self.sent, self.fail, self.permanent = [], fail, permanent
        self.failures = failures  # fail this many times, then succeed

    def send(self, message):
        if self.failures:
            self.failures -= 1
            raise DeliveryFailed(self.fail or "busy")
        if self.fail and self.failures is None:
            raise DeliveryFailed(self.fail, permanent=self.permanent)
        self.sent.append(message)


def send_code(uow, senders, **kw):
    args = dict(event_id=EVENT, channel="sms", destination="+79000000001", purpose="registration",
                code="123456", ttl_seconds=600)
    return _send_code(uow, senders, **{**args, **kw})


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


def test_without_retries_a_failed_delivery_is_recorded_as_failed_with_its_reason():
    uow = FakeUnitOfWork()
    delivery = send_code(uow, {"sms": RecordingSender(fail="gateway said 503")})
    assert (delivery.status, delivery.attempts, delivery.error) == ("failed", 1, "gateway said 503")
    again = send_code(uow, {"sms": RecordingSender()})  # a redelivered event: given up stays given up
    assert (again.status, again.attempts) == ("failed", 1)


def test_a_transient_failure_is_recorded_at_once_and_asks_for_redelivery_until_it_succeeds():
    uow, sms = FakeUnitOfWork(), RecordingSender("SMSC error 3: no money", failures=2)
    retries = Retries(attempts_uow=lambda: uow, max_attempts=5)
    for attempt in (1, 2):
        with pytest.raises(RetryDelivery):
            send_code(uow, {"sms": sms}, retries=retries)
        recorded = uow.deliveries.get(message_id_for(EVENT, "sms"))
        assert (recorded.status, recorded.attempts, recorded.error) == ("pending", attempt, "SMSC error 3: no money")
    assert uow.commits == 2  # each failed attempt in its own transaction
    delivery = send_code(uow, {"sms": sms}, retries=retries)
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 3, "")
    assert len(sms.sent) == 1


def test_the_last_allowed_attempt_and_a_permanent_refusal_end_as_failed():
    uow = FakeUnitOfWork()
    retries = Retries(attempts_uow=lambda: uow, max_attempts=2)
    busy = {"sms": RecordingSender("HTTP 503", failures=10)}
    with pytest.raises(RetryDelivery):
        send_code(uow, busy, retries=retries)
    delivery = send_code(uow, busy, retries=retries)
    assert (delivery.status, delivery.attempts, delivery.error) == ("failed", 2, "HTTP 503")

    other = FakeUnitOfWork()
    refused = {"sms": RecordingSender("SMSC error 7: invalid phone", permanent=True)}
    delivery = send_code(other, refused, retries=Retries(attempts_uow=lambda: other))
    assert (delivery.status, delivery.attempts) == ("failed", 1)


def test_the_dev_outbox_does_not_exist_outside_dev_and_test():
    with pytest.raises(NotFound):
        list_dev_outbox(FakeUnitOfWork(), enabled=False, destination="", limit=10)


BASE = dict(database_url="postgresql+psycopg://x@h/kabinet_notify", nats_url="nats://127.0.0.1:4222",
            public_url="https://lk.example.ru", unsubscribe_secret="0123456789abcdef" * 4)


def test_provider_adapters_need_their_settings_and_tls_for_passwords_in_production():
    smtp = dict(email_adapter="smtp", smtp_host="smtp.example.ru", smtp_from="noreply@example.ru")
    assert load(NotifyConfig, profile="prod", **smtp, **BASE).smtp_security == "starttls"
    with pytest.raises(ConfigError, match="SMTP_HOST"):
        load(NotifyConfig, profile="prod", email_adapter="smtp", **BASE)
    with pytest.raises(ConfigError, match="without TLS"):
        load(NotifyConfig, profile="prod", smtp_security="none", smtp_username="u", smtp_password="p", **smtp, **BASE)
    sms = dict(sms_adapter="smsc", sms_login="retailer", sms_password="secret")
    assert load(NotifyConfig, profile="prod", **sms, **BASE).sms_url == "https://smsc.ru/sys/send.php"
    with pytest.raises(ConfigError, match="SMS_LOGIN"):
        load(NotifyConfig, profile="prod", sms_adapter="smsc", **BASE)
    with pytest.raises(ConfigError, match="https"):
        load(NotifyConfig, profile="prod", sms_url="http://smsc.ru/sys/send.php", **sms, **BASE)
    with pytest.raises(ConfigError, match="DEV_OUTBOX"):
        load(NotifyConfig, profile="prod", dev_outbox_urls="http://127.0.0.1:1", **BASE)


def test_dev_adapters_are_the_default_in_dev_and_refused_in_production():
    dev = load(NotifyConfig, profile="test", **BASE)
    assert (dev.sms_adapter, dev.email_adapter) == ("dev", "dev")
    prod = load(NotifyConfig, profile="prod", **BASE)
    assert (prod.sms_adapter, prod.email_adapter) == ("none", "none")
    with pytest.raises(ConfigError):
        load(NotifyConfig, profile="prod", sms_adapter="dev", **BASE)
    with pytest.raises(ConfigError):
        load(NotifyConfig, profile="dev", email_adapter="carrier-pigeon", **BASE)


def test_production_needs_the_public_url_for_links_and_the_unsubscribe_secret():
    with pytest.raises(ConfigError):
        load(NotifyConfig, profile="prod", **{k: v for k, v in BASE.items() if k != "public_url"})
    with pytest.raises(ConfigError, match="KABINET_UNSUBSCRIBE_SECRET"):
        load(NotifyConfig, profile="prod", **{k: v for k, v in BASE.items() if k != "unsubscribe_secret"})
    dev = {k: v for k, v in BASE.items() if k != "unsubscribe_secret"}
    assert load(NotifyConfig, profile="test", **dev).unsubscribe_secret == "dev-unsubscribe-secret"
