"""The metrics every service process exports: RED per gRPC method, consumer outcomes, readiness,
facts counted on commit, and the /metrics server. Real gRPC and SQLite; JetStream faked."""

from __future__ import annotations

import asyncio
import urllib.request
from concurrent import futures
from types import SimpleNamespace

import grpc
import pytest
from grpc_health.v1 import health
from nats.js.errors import NotFoundError
from prometheus_client import REGISTRY, CollectorRegistry, Counter
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from kit import metrics
from kit.consumer import ConsumerLoop, Subscription
from kit.errors import NotFound, Rejected
from kit.events import Event, encode
from kit.grpc_server import CallContextInterceptor, HealthReporter
from kit.settings import ConfigError, ServiceConfig, load


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# --- gRPC: calls by method and status code, latency ------------------------------------------


def ok(request, context):
    return b"pong"


def refused(request, context):
    raise NotFound(code="thing_not_found")


def broken(request, context):
    raise RuntimeError("a bug")


@pytest.fixture(scope="module")
def probe():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2),
                         interceptors=[metrics.RpcMetrics(), CallContextInterceptor(None)])
    handlers = {name: grpc.unary_unary_rpc_method_handler(fn)
                for name, fn in (("Ok", ok), ("Refused", refused), ("Broken", broken))}
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("kabinet.probe.v1.Probe", handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield lambda method: channel.unary_unary(f"/kabinet.probe.v1.Probe/{method}")(b"ping", timeout=5)
    channel.close()
    server.stop(0)


def handled(method: str, code: str) -> float:
    return value("kabinet_grpc_server_handled_total", grpc_service="kabinet.probe.v1.Probe", grpc_method=method,
                 grpc_code=code)


def test_calls_are_counted_by_method_and_status_code(probe):
    before = {(m, c): handled(m, c) for m, c in (("Ok", "OK"), ("Refused", "NOT_FOUND"), ("Broken", "UNKNOWN"))}
    assert probe("Ok") == b"pong"
    for method, code in (("Refused", grpc.StatusCode.NOT_FOUND), ("Broken", grpc.StatusCode.UNKNOWN)):
        with pytest.raises(grpc.RpcError) as err:
            probe(method)
        assert err.value.code() == code
    after = {key: handled(*key) for key in before}
    assert {key: after[key] - before[key] for key in before} == dict.fromkeys(before, 1.0)


def test_call_latency_is_observed_per_method(probe):
    labels = {"grpc_service": "kabinet.probe.v1.Probe", "grpc_method": "Ok"}
    before = value("kabinet_grpc_server_handling_seconds_count", **labels)
    probe("Ok")
    probe("Ok")
    assert value("kabinet_grpc_server_handling_seconds_count", **labels) == before + 2
    assert value("kabinet_grpc_server_handling_seconds_bucket", **labels, le="+Inf") == before + 2


def test_readiness_follows_the_health_checks():
    healthy = {"db": True}
    reporter = HealthReporter(health.HealthServicer(), ["kabinet.probe.v1.Probe", "probe"],
                              {"db": lambda: healthy["db"]})
    reporter.run_once()
    assert value("kabinet_service_ready", service="probe") == 1.0
    healthy["db"] = False
    reporter.run_once()
    assert value("kabinet_service_ready", service="probe") == 0.0


# --- consumers: outcomes, redeliveries, dead letters, latency --------------------------------


class FakeUow:
    """Just what the consumer loop asks of a unit of work: processed events and dead letters."""

    def __init__(self, db: dict) -> None:
        self.db = db
        self.session = self
        self.pending: list = []

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.pending = []

    def execute(self, statement, parameters=None):
        params = parameters or statement.compile().params
        if statement.table.name == "processed_events":
            fresh = params["event_id"] not in self.db["processed"]
            self.pending.append(("processed", params["event_id"]))
            return SimpleNamespace(first=lambda: (params["event_id"],) if fresh else None)
        self.pending.append(("dead", params["subject"]))
        return None

    def commit(self) -> None:
        for table, key in self.pending:
            if table == "processed":
                self.db["processed"].add(key)
            else:
                self.db["dead"].append(key)
        self.pending = []


class FakeMsg:
    def __init__(self, subject: str, data: bytes, delivered: int = 1) -> None:
        self.subject, self.data = subject, data
        self.metadata = SimpleNamespace(num_delivered=delivered)
        self.settled = None

    async def ack(self):
        self.settled = "ack"

    async def nak(self, delay=None):
        self.settled = "nak"

    async def term(self):
        self.settled = "term"


class FakeJetStream:
    """One durable pull consumer that hands out `msgs` once, then stops the loop."""

    def __init__(self, msgs: list[FakeMsg], stop: asyncio.Event) -> None:
        self.msgs, self.stop = msgs, stop

    async def consumer_info(self, stream, durable):
        raise NotFoundError()

    async def add_consumer(self, stream, config):
        pass

    async def pull_subscribe_bind(self, durable, stream):
        return self

    async def fetch(self, batch, timeout):
        if self.msgs:
            msgs, self.msgs = self.msgs, []
            return msgs
        self.stop.set()
        raise TimeoutError

    async def unsubscribe(self):
        pass


SUBJECT = "readings.reading.accepted"


def event(**payload) -> Event:
    from kabinet.readings.v1 import readings_pb2

    return Event(type=SUBJECT, aggregate_id="acc-1", payload=readings_pb2.ReadingAccepted(**payload))


def consume(msgs: list[FakeMsg], handler, durable: str, db: dict | None = None) -> dict:
    db = db if db is not None else {"processed": set(), "dead": []}

    async def scenario():
        stop = asyncio.Event()
        sub = Subscription(durable=durable, handlers={SUBJECT: handler}, max_deliver=3)
        await ConsumerLoop(FakeJetStream(msgs, stop), sub, lambda: FakeUow(db)).run(stop)

    asyncio.run(scenario())
    return db


def outcomes(durable: str) -> dict[str, float]:
    return {o: value("kabinet_consumer_messages_total", durable=durable, subject=SUBJECT, outcome=o)
            for o in ("ok", "duplicate", "retry", "dead_letter", "skipped")}


def test_handled_duplicates_and_redeliveries_are_counted():
    first = event(reading_id="r-1")
    again = FakeMsg(SUBJECT, encode(first, "readings"), delivered=2)
    consume([FakeMsg(SUBJECT, encode(first, "readings")), again, FakeMsg(SUBJECT, encode(event(), "readings"))],
            lambda e, uow: None, "t-handled")
    assert again.settled == "ack"
    assert outcomes("t-handled") == {"ok": 2, "duplicate": 1, "retry": 0, "dead_letter": 0, "skipped": 0}
    assert value("kabinet_consumer_redeliveries_total", durable="t-handled", subject=SUBJECT) == 1
    assert value("kabinet_consumer_handle_seconds_count", durable="t-handled", subject=SUBJECT) == 3


def test_retries_and_dead_letters_are_counted_by_reason():
    def handler(e, uow):
        if e.payload.reading_id == "refuse":
            raise Rejected(code="no_tariff")
        raise ConnectionError("database away")

    msgs = [FakeMsg(SUBJECT, encode(event(reading_id="flaky"), "readings"), delivered=1),
            FakeMsg(SUBJECT, encode(event(reading_id="flaky"), "readings"), delivered=3),  # the last allowed
            FakeMsg(SUBJECT, encode(event(reading_id="refuse"), "readings")),
            FakeMsg(SUBJECT, b"not an envelope")]
    db = consume(msgs, handler, "t-failing")
    assert [m.settled for m in msgs] == ["nak", "term", "term", "term"]
    assert db["dead"] == [SUBJECT] * 3
    assert outcomes("t-failing") == {"ok": 0, "duplicate": 0, "retry": 1, "dead_letter": 3, "skipped": 0}
    reasons = {r: value("kabinet_consumer_dead_letters_total", durable="t-failing", subject=SUBJECT, reason=r)
               for r in ("gave_up", "refused", "undecodable")}
    assert reasons == {"gave_up": 1, "refused": 1, "undecodable": 1}
    assert value("kabinet_consumer_redeliveries_total", durable="t-failing", subject=SUBJECT) == 1


def test_consumer_lag_comes_from_the_consumer_info():
    class Info:
        async def consumer_info(self, stream, durable):
            if durable == "t-missing":
                raise NotFoundError()
            return SimpleNamespace(num_pending=7, num_ack_pending=2)

    async def scenario():
        stop = asyncio.Event()
        subs = [Subscription(durable=d, handlers={SUBJECT: None}) for d in ("t-lag", "t-missing")]
        task = asyncio.create_task(metrics.watch_consumers(Info(), subs, stop, interval=60))
        await asyncio.sleep(0.05)
        stop.set()
        await task

    asyncio.run(scenario())
    assert value("kabinet_consumer_pending_messages", stream="READINGS", durable="t-lag") == 7
    assert value("kabinet_consumer_ack_pending_messages", stream="READINGS", durable="t-lag") == 2
    assert REGISTRY.get_sample_value("kabinet_consumer_pending_messages",
                                     {"stream": "READINGS", "durable": "t-missing"}) is None


# --- business facts: counted when their transaction commits -----------------------------------


def test_a_fact_counts_when_its_transaction_commits_and_not_when_it_rolls_back():
    facts = Counter("facts", "test", registry=CollectorRegistry())
    sessions = sessionmaker(create_engine("sqlite://"))
    with sessions() as session:
        session.execute(text("SELECT 1"))
        metrics.count_on_commit(session, facts)
        assert facts._value.get() == 0  # not before the commit
        session.commit()
        session.commit()  # once
    with sessions() as session:
        session.execute(text("SELECT 1"))
        metrics.count_on_commit(session, facts, 2)
        session.rollback()
        session.execute(text("SELECT 1"))
        session.commit()  # a later transaction on the same session does not revive it
    assert facts._value.get() == 1


def test_a_refusal_is_counted_and_raised_again():
    refusals = Counter("refusals", "test", registry=CollectorRegistry())
    with pytest.raises(Rejected), metrics.count_refusal(refusals):
        raise Rejected(code="no")
    with pytest.raises(RuntimeError), metrics.count_refusal(refusals):
        raise RuntimeError("not a refusal")
    with metrics.count_refusal(refusals):
        pass
    assert refusals._value.get() == 1


# --- the /metrics server -------------------------------------------------------------------


def test_metrics_are_served_over_http_only_when_an_address_is_set():
    assert metrics.serve("") is None
    host, port = metrics.serve("127.0.0.1:0")
    body = urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=5).read().decode()
    assert "# TYPE kabinet_grpc_server_handled_total counter" in body
    assert "# TYPE kabinet_outbox_oldest_event_age_seconds gauge" in body


@pytest.mark.parametrize("listen", ["0.0.0.0:9102", "[::]:9102", "127.0.0.1:0", ""])
def test_the_listen_address_is_host_and_port(listen):
    config = load(ServiceConfig, database_url="postgresql+psycopg://x/y", nats_url="nats://n:4222",
                  metrics_listen=listen)
    assert config.metrics_listen == listen


@pytest.mark.parametrize("listen", ["9102", "http://0.0.0.0:9102", "host:port"])
def test_a_malformed_listen_address_stops_the_process(listen):
    with pytest.raises(ConfigError, match="KABINET_METRICS_LISTEN"):
        load(ServiceConfig, database_url="postgresql+psycopg://x/y", nats_url="nats://n:4222",
             metrics_listen=listen)
