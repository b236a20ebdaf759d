"""The real delivery adapters against the simulators the test session runs (devstack): SMTP to
`simulators.smtp`, SMSC.ru's HTTP API to `simulators.sms`; provider errors, retries with backoff
through the event's redelivery, and the dev outbox reading the simulators' mailboxes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import requests
from kabinet.notify.v1 import notify_pb2

from kit.migrations import upgrade
from kit.outbox import dead_letters
from kit.settings import load
from services.notify import bootstrap
from services.notify.adapters.delivery import SmscSender
from services.notify.adapters.mailbox import SimulatorMailbox
from services.notify.config import NotifyConfig
from services.notify.domain.model import DeliveryFailed
from services.notify.domain.texts import code_message
from services.notify.entrypoints.api import NotifyServicer
from services.notify.service_layer.delivery import Retries
from services.notify.tests.integration.test_notify import code_event, consume, count, delivery_of

pytestmark = pytest.mark.integration


@pytest.fixture
def rt(infra, database_url_factory, nats_url):
    """notify with the adapters the dev stack gives it: SMTP and SMSC against the simulators."""
    url = database_url_factory("notify")
    upgrade(url, Path(bootstrap.__file__).parent / "migrations")
    env = {k.removeprefix("KABINET_").lower(): v for k, v in infra.env_for("notify-worker").items()
           if k.startswith(("KABINET_SMTP_", "KABINET_SMS_", "KABINET_EMAIL_", "KABINET_DEV_"))}
    config = load(NotifyConfig, profile="test", database_url=url, nats_url=nats_url, **env)
    assert (config.sms_adapter, config.email_adapter) == ("smsc", "smtp")
    runtime = bootstrap.SERVICE.runtime(config)
    runtime.senders = bootstrap.senders(config, runtime)
    yield runtime
    runtime.engine.dispose()
    for sim in ("smtp", "sms"):  # no fault left for the next test
        requests.delete(f"{infra.mailbox_url(sim)}/_sim/messages", timeout=5)


def phone() -> str:
    return f"+7911{random.randrange(10**7):07d}"


def fail_next(infra, simulator: str, **fault) -> None:
    requests.post(f"{infra.mailbox_url(simulator)}/_sim/fail", json=fault, timeout=5).raise_for_status()


def dev_outbox(rt, destination: str):
    api = NotifyServicer(rt.uow, dev_outbox=True,
                         mailboxes=[SimulatorMailbox(u) for u in rt.config.dev_outbox_sources])
    return api.ListDevOutbox(notify_pb2.ListDevOutboxRequest(destination=destination), None).messages


def test_codes_go_out_over_smtp_and_smsc_and_the_dev_outbox_shows_what_the_simulators_received(rt, nats_url):
    to_phone, to_mail = phone(), f"ivanov.{random.randrange(10**6)}@example.ru"
    by_sms, by_mail = code_event(destination=to_phone), code_event("recovery", "111222", "email", to_mail)
    consume(rt, nats_url, [(by_sms, "1"), (by_mail, "2")],
            lambda: all(delivery_of(rt, e, c) for e, c in ((by_sms, "sms"), (by_mail, "email"))))

    for event, channel in ((by_sms, "sms"), (by_mail, "email")):
        row = delivery_of(rt, event, channel)
        assert (row.status, row.attempts, row.error) == ("sent", 1, "")
    [sms] = dev_outbox(rt, to_phone.lstrip("+"))  # a "+" in a query string arrives as a space
    assert (sms.channel, sms.destination) == ("sms", to_phone)
    assert sms.body == "Код подтверждения регистрации: 654321. Никому не сообщайте его."
    [mail] = dev_outbox(rt, to_mail)
    assert (mail.channel, mail.subject, mail.message_id) == ("email", "Восстановление пароля",
                                                            delivery_of(rt, by_mail, "email").message_id)
    assert "Код для восстановления пароля: 111222." in mail.body


def test_a_provider_error_is_retried_with_backoff_until_the_sms_goes_out(rt, infra, nats_url):
    fail_next(infra, "sms", error_code=3, times=1)  # "no money": worth a retry
    fail_next(infra, "sms", http_status=503, times=1)
    event = code_event(destination=phone())
    consume(rt, nats_url, [(event, "1")], lambda: getattr(delivery_of(rt, event, "sms"), "status", "") == "sent",
            retries=Retries(rt.uow, max_attempts=4))

    row = delivery_of(rt, event, "sms")
    assert (row.status, row.attempts, row.error) == ("sent", 3, "")
    assert len(dev_outbox(rt, event.payload.destination)) == 1
    assert count(rt, dead_letters) == 0


def test_a_temporary_smtp_refusal_is_retried_and_a_bounce_fails_at_once(rt, infra, nats_url):
    fail_next(infra, "smtp", code=451, times=1)
    retried = code_event(channel="email", destination="petrov@example.ru")
    bounced = code_event(channel="email", destination="bounce.sidorov@example.ru")
    consume(rt, nats_url, [(retried, "1"), (bounced, "2")],
            lambda: all(getattr(delivery_of(rt, e, "email"), "status", "") in ("sent", "failed")
                        for e in (retried, bounced)), retries=Retries(rt.uow, max_attempts=4))

    row = delivery_of(rt, retried, "email")
    assert (row.status, row.attempts) == ("sent", 2)
    row = delivery_of(rt, bounced, "email")
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.error.startswith("SMTP recipient refused: 550")


def test_a_provider_that_keeps_failing_ends_as_a_visible_failed_delivery(rt, infra, nats_url):
    fail_next(infra, "sms", error_code=4, times=10)  # "IP is blocked", again and again
    event = code_event(destination=phone())
    consume(rt, nats_url, [(event, "1")], lambda: getattr(delivery_of(rt, event, "sms"), "status", "") == "failed",
            retries=Retries(rt.uow, max_attempts=3))

    row = delivery_of(rt, event, "sms")
    assert (row.status, row.attempts, row.error) == ("failed", 3, "SMSC error 4: IP is blocked")
    assert dev_outbox(rt, event.payload.destination) == []
    assert count(rt, dead_letters) == 0


def test_a_wrong_sms_password_is_an_smsc_authorisation_error(rt):
    sender = SmscSender(rt.config.sms_url, login=rt.config.sms_login, password="wrong")
    message = code_message(message_id=str(code_event().id), channel="sms", destination=phone(),
                           purpose="registration", code="1", ttl_seconds=60)
    with pytest.raises(DeliveryFailed, match="SMSC error 2: authorise error") as failed:
        sender.send(message)
    assert not failed.value.permanent
