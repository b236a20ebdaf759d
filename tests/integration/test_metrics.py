"""A reading's way from readings to payments shows in the metrics, as Prometheus would scrape them.

In one process, on real PostgreSQL and NATS JetStream: readings accepts a reading (its outbox row),
the readings worker's relay publishes it, payments' durable consumer charges it; the /metrics server
a service process starts (kit.metrics.serve) is scraped over HTTP before and after. The same
collectors in separate processes are what each worker's KABINET_METRICS_LISTEN serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import urllib.request
import uuid

import pytest
from nats.js.errors import NotFoundError
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from kit import metrics
from kit.consumer import ConsumerLoop
from kit.jetstream import connect, ensure_stream
from kit.migrations import upgrade
from kit.outbox import OutboxRelay
from kit.settings import ServiceConfig, load
from services.payments import bootstrap as payments_bootstrap
from services.payments.adapters.orm import charges
from services.payments.entrypoints.demo import load_demo
from services.payments.entrypoints.events import subscriptions as payments_subscriptions
from services.readings import bootstrap as readings_bootstrap
from services.readings.domain.model import AccountFacts, Meter
from services.readings.service_layer.accounts import project_account
from services.readings.service_layer.submission import submit_reading

pytestmark = pytest.mark.integration

SUPPLIER = "2a848f89-cd7d-5192-a0d1-e4c35663d673"  # demo data (payments' tariffs)
IVANOV = "b96f0cb8-a399-516a-b116-c9c892ea28e0"  # urban_gas_stove, one zone
T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def runtime(service, database_url_factory, nats_url):
    url = database_url_factory(service.name)
    upgrade(url, service.package_dir / "migrations")
    return service.runtime(load(ServiceConfig, profile="test", database_url=url, nats_url=nats_url))


@pytest.fixture
def readings(database_url_factory, nats_url):
    rt = runtime(readings_bootstrap.SERVICE, database_url_factory, nats_url)
    yield rt
    rt.engine.dispose()


@pytest.fixture
def payments(database_url_factory, nats_url):
    rt = runtime(payments_bootstrap.SERVICE, database_url_factory, nats_url)
    load_demo(rt)
    yield rt
    rt.engine.dispose()


@pytest.fixture(scope="module")
def scrape():
    host, port = metrics.serve("127.0.0.1:0")

    def samples() -> dict[tuple, float]:
        body = urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=5).read().decode()
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for family in text_string_to_metric_families(body) for s in family.samples}

    return samples


def sample(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


class NoAccounts:
    """accounts is not asked: readings' projection knows the binding."""

    def facts(self, account_id: str):
        raise AssertionError("the projection should have answered")


def accept_a_reading(rt) -> str:
    user, meter = str(uuid.uuid4()), str(uuid.uuid4())
    with rt.uow() as uow:
        project_account(uow, AccountFacts(IVANOV, SUPPLIER, "urban_gas_stove", False, (Meter(meter, 1, 6),)), T0)
        uow.access.put(user, IVANOV, bound=True, as_of=T0)
        uow.commit()
    reading = submit_reading(rt.uow(), NoAccounts(), user_id=user, account_id=IVANOV, meter_id=meter,
                             values={"total": "100"}, idempotency_key=None)
    return reading.reading_id


def charged(rt, reading_id: str) -> bool:
    with rt.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(charges)
                            .where(charges.c.reading_id == reading_id)).scalar_one() == 1


def relay_and_charge(readings, payments, nats_url: str, reading_id: str) -> None:
    """The readings worker's relay and payments' consumer, as their workers run them, until the charge."""

    async def scenario():
        nc = await connect([nats_url], "metrics-test")
        js = nc.jetstream()
        with contextlib.suppress(NotFoundError):
            await js.delete_stream("READINGS")
        await ensure_stream(js, "READINGS")
        sub = next(s for s in payments_subscriptions() if s.durable == "payments-readings")
        stop = asyncio.Event()
        tasks = [asyncio.create_task(OutboxRelay(readings.config.database_url, js, service="readings").run(stop)),
                 asyncio.create_task(ConsumerLoop(js, sub, payments.uow).run(stop)),
                 asyncio.create_task(metrics.watch_outbox("readings", readings.uow, stop, interval=0.1)),
                 asyncio.create_task(metrics.watch_consumers(js, [sub], stop, interval=0.1))]
        try:
            async with asyncio.timeout(20):
                while not await asyncio.to_thread(charged, payments, reading_id):
                    await asyncio.sleep(0.05)
                await asyncio.sleep(0.3)  # a round of the watchers after the charge
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            await nc.close()

    asyncio.run(scenario())


def test_a_submitted_reading_moves_the_outbox_and_consumer_metrics(readings, payments, nats_url, scrape):
    before = scrape()
    reading_id = accept_a_reading(readings)
    relay_and_charge(readings, payments, nats_url, reading_id)
    after = scrape()

    def moved(name: str, **labels) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert moved("kabinet_readings_accepted_total", source="cabinet") == 1
    assert moved("kabinet_outbox_published_total", service="readings") >= 1
    consumed = {"durable": "payments-readings", "subject": "readings.reading.accepted"}
    assert moved("kabinet_consumer_messages_total", **consumed, outcome="ok") == 1
    assert moved("kabinet_consumer_handle_seconds_count", **consumed) == 1
    assert moved("kabinet_payments_charges_posted_total", kind="preliminary") == 1
    # the watchers' gauges: nothing waits in readings' outbox, nothing in payments' consumer
    assert sample(after, "kabinet_outbox_waiting_events", service="readings") == 0
    assert sample(after, "kabinet_outbox_oldest_event_age_seconds", service="readings") == 0
    assert ("kabinet_outbox_waiting_events", (("service", "readings"),)) in after
    assert sample(after, "kabinet_consumer_pending_messages", stream="READINGS", durable="payments-readings") == 0
    assert ("kabinet_consumer_pending_messages", (("durable", "payments-readings"), ("stream", "READINGS"))) in after


def test_the_outbox_age_grows_while_nothing_publishes(readings, scrape):
    accept_a_reading(readings)

    async def watch_once():
        stop = asyncio.Event()
        task = asyncio.create_task(metrics.watch_outbox("readings-stuck", readings.uow, stop, interval=60))
        await asyncio.sleep(0.3)
        stop.set()
        await task

    asyncio.run(watch_once())
    samples = scrape()
    assert sample(samples, "kabinet_outbox_waiting_events", service="readings-stuck") == 1
    assert sample(samples, "kabinet_outbox_oldest_event_age_seconds", service="readings-stuck") > 0
