"""The dispatcher against real PostgreSQL: replicas never send a row twice, the bucket holds the rate across them,
night SMS wait for the morning, retries end in `failed`, orphaned sends are settled, delivery reports and staff's
view of deliveries."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from kit.context import Caller
from kit.errors import Forbidden, NotFound
from kit.migrations import upgrade
from kit.settings import load
from services.notify import bootstrap
from services.notify.adapters.delivery import SmscSender
from services.notify.config import NotifyConfig
from services.notify.domain.dispatch import QuietHours, Rate, Retry
from services.notify.domain.model import EMAIL, SMS, Delivery, DeliveryFailed, Outgoing, Queued
from services.notify.service_layer import dispatch

pytestmark = pytest.mark.integration

GATEWAY = Caller(user_id=str(uuid.uuid4()), kind="partner", roles=("sms_gateway",))
ADMIN = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("admin",))
OPERATOR = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("operator",))
DAY = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)  # 12:00 in Moscow


@pytest.fixture
def rt(database_url_factory, nats_url):
    url = database_url_factory("notify")
    upgrade(url, Path(bootstrap.__file__).parent / "migrations")
    runtime = bootstrap.SERVICE.runtime(load(NotifyConfig, profile="test", database_url=url, nats_url=nats_url))
    yield runtime
    runtime.engine.dispose()


class Recorder:
    """A provider that takes everything (after `latency`), remembering what and when; or fails as told."""

    def __init__(self, latency: float = 0.0, fail: DeliveryFailed | None = None) -> None:
        self.latency, self.fail = latency, fail
        self.sent: list[tuple[str, float]] = []
        self.known: set[str] = set()
        self.lock = threading.Lock()

    def send(self, message: Outgoing) -> None:
        time.sleep(self.latency)
        if self.fail is not None:
            raise self.fail
        with self.lock:
            self.sent.append((message.message_id, time.monotonic()))

    def accepted(self, message: Outgoing) -> bool:
        return message.message_id in self.known


def enqueue(rt, n: int, channel: str = EMAIL, time_zone: str = "Europe/Moscow", not_before=DAY) -> list[str]:
    queued = []
    for i in range(n):
        destination = f"user{i}@example.ru" if channel == EMAIL else f"+7900{i:07d}"
        message = Outgoing(message_id=str(uuid.uuid4()), channel=channel, destination=destination, subject="Тема",
                           body="Текст", purpose="readings_due_opened")
        queued.append(Queued(message=message, category="readings", time_zone=time_zone, not_before=not_before))
    with rt.uow() as uow:
        uow.outgoing.enqueue(queued)
        uow.commit()
    return [q.message.message_id for q in queued]


UNLIMITED = Rate(10_000, 10_000)


def dispatcher(senders, *, rate=UNLIMITED, max_attempts=3, **kw) -> dispatch.Dispatcher:
    return dispatch.Dispatcher(senders=senders, rates={c: rate for c in senders},
                               quiet=QuietHours.parse("21:00-09:00"), retry=Retry(max_attempts), **kw)


def row(rt, message_id: str) -> dict:
    with rt.engine.connect() as conn:
        return dict(conn.execute(text(
            "SELECT o.status, o.attempts, o.not_before, o.error, d.status AS delivery, d.attempts AS tries, "
            "d.report, d.report_error, d.sent_at FROM outgoing o LEFT JOIN deliveries d USING (message_id) "
            "WHERE o.message_id = :id"), {"id": message_id}).mappings().one())


def test_two_replicas_draining_together_send_each_message_once(rt):
    ids = enqueue(rt, 400)
    provider = Recorder(latency=0.002)
    d = dispatcher({EMAIL: provider}, batch=50, concurrency=4)

    def replica():
        for _ in range(40):
            dispatch.dispatch(rt.uow, d, moment=DAY)

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = Counter(message_id for message_id, _ in provider.sent)
    assert set(counts) == set(ids) and max(counts.values()) == 1
    assert {row(rt, i)["status"] for i in ids} == {"sent"} and {row(rt, i)["delivery"] for i in ids} == {"sent"}


def test_the_bucket_holds_the_rate_across_replicas(rt):
    enqueue(rt, 200)
    provider = Recorder()
    rate = Rate(per_second=40, burst=10)
    d = dispatcher({EMAIL: provider}, rate=rate)
    stop = time.monotonic() + 2.5

    def replica():
        while time.monotonic() < stop:
            dispatch.dispatch(rt.uow, d, moment=DAY)
            time.sleep(0.02)

    threads = [threading.Thread(target=replica) for _ in range(3)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = sorted(at - started for _, at in provider.sent)
    busiest = max(sum(1 for t in times if s <= t < s + 1.0) for s in times)
    assert busiest <= rate.per_second + rate.burst
    assert len(times) <= rate.burst + rate.per_second * (times[-1] + 0.1)
    assert len(times) >= rate.per_second * 2  # and it does drain at about the rate


def test_codes_run_the_bucket_into_debt_and_the_queue_waits(rt):
    enqueue(rt, 20)
    provider = Recorder()
    rate = Rate(per_second=5, burst=5, debt_limit=10)
    for _ in range(15):
        dispatch.borrow(rt.uow, EMAIL, rate)
    dispatch.dispatch(rt.uow, dispatcher({EMAIL: provider}, rate=rate), moment=DAY)
    assert provider.sent == []  # -10 tokens: nothing of the queue for about two seconds


def test_an_sms_due_at_night_is_held_until_the_morning_and_sent_then(rt):
    night = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)  # 23:00 in Moscow
    [sms] = enqueue(rt, 1, SMS, not_before=night)
    [mail] = enqueue(rt, 1, EMAIL, not_before=night)
    provider = Recorder()
    d = dispatcher({SMS: provider, EMAIL: provider})
    counts = dispatch.dispatch(rt.uow, d, moment=night)
    assert (counts.held, counts.sent) == (1, 1)  # the e-mail is not held
    morning = dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)
    assert row(rt, sms)["status"] == "queued" and row(rt, sms)["not_before"] == morning
    assert dispatch.dispatch(rt.uow, d, moment=morning - dt.timedelta(minutes=1)).sent == 0
    assert dispatch.dispatch(rt.uow, d, moment=morning).sent == 1
    assert [m for m, _ in provider.sent] == [mail, sms] and row(rt, sms)["status"] == "sent"


def test_a_passing_failure_is_retried_later_and_the_last_one_fails(rt):
    [message_id] = enqueue(rt, 1)
    provider = Recorder(fail=DeliveryFailed("SMTP 451 try later"))
    d = dispatcher({EMAIL: provider}, max_attempts=3)
    moment = DAY
    dispatch.dispatch(rt.uow, d, moment=moment)
    first = row(rt, message_id)
    assert (first["status"], first["attempts"], first["delivery"]) == ("queued", 1, "pending")
    assert first["not_before"] == moment + dt.timedelta(seconds=30) and "451" in first["error"]
    assert dispatch.dispatch(rt.uow, d, moment=moment + dt.timedelta(seconds=29)).retried == 0  # not yet
    dispatch.dispatch(rt.uow, d, moment=moment + dt.timedelta(seconds=30))
    dispatch.dispatch(rt.uow, d, moment=moment + dt.timedelta(seconds=91))
    last = row(rt, message_id)
    assert (last["status"], last["attempts"], last["delivery"], last["tries"]) == ("failed", 3, "failed", 3)
    assert dispatch.dispatch(rt.uow, d, moment=moment + dt.timedelta(days=1)).sent == 0


def test_a_permanent_refusal_fails_at_once_and_a_provider_down_burns_no_attempts(rt):
    [refused] = enqueue(rt, 1)
    dispatch.dispatch(rt.uow, dispatcher({EMAIL: Recorder(fail=DeliveryFailed("550", permanent=True))}), moment=DAY)
    assert row(rt, refused)["status"] == "failed"
    ids = enqueue(rt, 10)
    counts = dispatch.dispatch(rt.uow, dispatcher({EMAIL: Recorder(fail=DeliveryFailed("refused"))}, concurrency=1),
                               moment=DAY)
    assert (counts.retried, counts.untried) == (1, 9)  # the first failure stops the pass
    assert sorted(row(rt, i)["attempts"] for i in ids) == [0] * 9 + [1]


def test_an_orphaned_send_is_settled_by_asking_the_provider(rt):
    known, unknown = enqueue(rt, 2, SMS)
    with rt.engine.begin() as conn:  # a worker died after starting both
        conn.execute(text("UPDATE outgoing SET status = 'sending', updated_at = now() - interval '10 minutes'"))
    provider = Recorder()
    provider.known.add(known)
    counts = dispatch.dispatch(rt.uow, dispatcher({SMS: provider}, lease_seconds=60), moment=DAY)
    assert counts.recovered == 2
    assert row(rt, known)["status"] == "sent" and [m for m, _ in provider.sent] == [unknown]  # sent again, once


def test_sms_reports_reach_the_delivery_and_staff_see_both_paths(rt):
    delivered, lost = enqueue(rt, 2, SMS)
    dispatch.dispatch(rt.uow, dispatcher({SMS: Recorder()}), moment=DAY)
    code = str(uuid.uuid4())  # an immediate one (a code), recorded by the consumer
    with rt.uow() as uow:
        record = Delivery(message_id=code, channel=SMS, destination="+79001112233", purpose="registration")
        record.succeeded()
        uow.deliveries.save(record)
        uow.commit()
    assert dispatch.record_sms_status(rt.uow, GATEWAY, message_id=delivered, status="1") == "delivered"
    assert dispatch.record_sms_status(rt.uow, GATEWAY, message_id=lost, status="20", err="1") == "undeliverable"
    assert dispatch.record_sms_status(rt.uow, GATEWAY, message_id=code, status="1") == "delivered"
    assert dispatch.record_sms_status(rt.uow, GATEWAY, message_id=delivered, status="0") == "ignored"
    assert dispatch.record_sms_status(rt.uow, GATEWAY, message_id="12345", status="1") == "ignored"
    with pytest.raises(NotFound):
        dispatch.record_sms_status(rt.uow, GATEWAY, message_id=str(uuid.uuid4()), status="1")
    with pytest.raises(Forbidden):
        dispatch.record_sms_status(rt.uow, OPERATOR, message_id=delivered, status="1")
    assert row(rt, lost)["report_error"] == "SMSC status 20 (cannot be delivered), error 1"

    page = dispatch.list_deliveries(rt.uow, OPERATOR, channel=SMS)
    statuses = {r["message_id"]: (r["status"], r["queued"]) for r in page.rows}
    assert statuses == {delivered: ("delivered", True), lost: ("undeliverable", True), code: ("delivered", False)}
    assert dispatch.list_deliveries(rt.uow, ADMIN, destination="+79001112233").rows[0]["destination"] == \
        "+7900***2233"
    assert [r["message_id"] for r in dispatch.list_deliveries(rt.uow, ADMIN, status="undeliverable").rows] == [lost]
    with pytest.raises(Forbidden):
        dispatch.list_deliveries(rt.uow, GATEWAY)


def test_staff_page_through_deliveries_newest_first(rt):
    ids = set(enqueue(rt, 7))
    seen, cursor = [], ""
    while True:
        page = dispatch.list_deliveries(rt.uow, ADMIN, status="queued", cursor=cursor, limit=3)
        seen += [r["message_id"] for r in page.rows]
        if not page.cursor:
            break
        cursor = page.cursor
    assert len(seen) == 7 and set(seen) == ids


def test_the_staff_pass_takes_the_test_clock_only_in_dev_and_is_audited(rt):
    night = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)
    enqueue(rt, 1, SMS, not_before=night)
    d = dispatcher({SMS: Recorder()})
    moment, counts = dispatch.run_dispatch(rt.uow, d, ADMIN, as_of=night.isoformat(), now=DAY, test_clock=True)
    assert (moment, counts.held) == (night, 1)
    moment, _ = dispatch.run_dispatch(rt.uow, d, ADMIN, as_of=night.isoformat(), now=DAY, test_clock=False)
    assert moment == DAY
    with pytest.raises(Forbidden):
        dispatch.run_dispatch(rt.uow, d, OPERATOR, as_of="", now=DAY, test_clock=True)
    with rt.uow() as uow:
        assert [e["action"] for e in uow.audit.entries(entity="outgoing")] == ["notify.dispatch.run"] * 2


def test_smsc_is_asked_whether_it_took_a_message(infra):
    env = infra.env_for("notify-worker")
    smsc = SmscSender(env["KABINET_SMS_URL"], login=env["KABINET_SMS_LOGIN"], password=env["KABINET_SMS_PASSWORD"])
    taken = Outgoing(message_id=str(uuid.uuid4()), channel=SMS, destination="+79005550101", subject="",
                     body="Передайте показания", purpose="readings_due_closing")
    smsc.send(taken)
    assert smsc.accepted(taken) is True
    assert smsc.accepted(Outgoing(**{**taken.__dict__, "message_id": str(uuid.uuid4())})) is False
    with pytest.raises(DeliveryFailed):
        SmscSender(env["KABINET_SMS_URL"], login="someone", password="wrong").accepted(taken)
