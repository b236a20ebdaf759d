"""Chaos under load: while customers keep submitting readings through the gateway, kill -9 every kind of
process in turn (a gunicorn worker, each service's `api` and `worker`, nats-server) and measure how long the
platform takes to come back. At the end nothing acknowledged to a customer is lost or duplicated: every 201
is one reading in the account's history, with one charge and one inbox notice of each kind.

The customers act as real clients: each submission has its own Idempotency-Key, and one that failed or timed
out is retried with the same key and body (after Retry-After when told to wait) until it is acknowledged or
the customer runs out of patience. Each customer gets a fresh account (imported through the staff registry
route, so the demo accounts other tests use stay as they were) and makes way for the next customer before
its inbox outgrows one page (ListInbox returns at most 200).

The gunicorn worker is killed while it holds requests (readings-api is paused with SIGSTOP for a moment so
that some wait in the gateway); readings-api while a submission is under way. Per kind the table shows the
time from the kill until a new process runs (an api: answers gRPC health SERVING; a worker: logged "worker
started"), until the gateway is ready and answers 201 to a submission started after the kill, and until a
reading submitted after the kill has its charge and both notices.

The recovery times go to the captured output, to the `chaos_recovery` property of the test's report and to
chaos-recovery.txt in the test's tmp_path.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import re
import signal
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

import grpc
import pytest
import requests
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.e2e.client import Customer, eventually, import_registry, staff_member

pytestmark = pytest.mark.e2e

THREADS = 4              # customers submitting at the same time
INTERVAL = 0.3           # s between the starts of one customer's submissions (the per-IP limit is 300/minute)
PER_CUSTOMER = 70        # readings of one customer (2 notices each: its inbox must fit one page of 200)
CUSTOMERS_PER_THREAD = 4
REQUEST_TIMEOUT = 5.0    # s, a client's patience with one attempt
PATIENCE = 20.0          # s, a client's patience with one submission, retries included
RECOVERY_TIMEOUT = 30.0  # s, after which a killed process kind counts as not recovered
# The workers go first: an event a worker had fetched but not acknowledged when it died comes again only after
# the consumer's ack_wait (30 s), and the rest of the chaos covers that wait better than the drain at the end.
KINDS = ["gateway-worker",
         "readings-worker", "payments-worker", "notify-worker", "accounts-worker", "auth-worker",
         "readings-api", "payments-api", "notify-api", "accounts-api", "auth-api",
         "nats-server"]
MONEY = re.compile(r"(\d[\d\s]*),(\d\d)\s*₽")


# --- the customers -------------------------------------------------------------------------------------

@dataclass
class Submission:
    key: str
    values: dict[str, Decimal]
    answers: list[str] = field(default_factory=list)  # of the failed attempts
    reading_id: str = ""  # once acknowledged (or, if never, once found in the history)
    started: float = 0.0  # the attempt that got the 201
    acked: float = 0.0
    replayed: bool = False  # a retry answered with the reading an earlier attempt had saved

    @property
    def kwh(self) -> tuple[str, ...]:
        return _kwh(self.values)


@dataclass
class Slot:
    """One customer with one account of its own."""
    me: Customer
    account_id: str
    meter_id: str
    values: dict[str, Decimal]
    acks: list[Submission] = field(default_factory=list)
    abandoned: list[Submission] = field(default_factory=list)
    worker: int | None = None  # the gunicorn worker this customer's keep-alive connection is with

    def probe(self) -> Customer:
        """The same customer on another address: checks that do not eat the submitting client's IP budget."""
        other = Customer(self.me.base)
        other.http.headers["Authorization"] = self.me.http.headers["Authorization"]
        return other


class Load:
    def __init__(self, lanes: list[list[Slot]]) -> None:
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acks: list[tuple[Slot, Submission]] = []
        self.failures: Counter[str] = Counter()  # failed attempts by what went wrong
        self.anomalies: list[str] = []  # answers a client must never get
        self.idle: list[str] = []
        self.last_worker: int | None = None  # the gunicorn worker of the latest answer
        self.in_flight: dict[int, tuple[float, Slot]] = {}  # customer thread -> (attempt started, slot)
        self.latencies: list[float] = []  # of the attempts answered 201
        self.kills: list[tuple[dt.datetime, str]] = []  # (when, what)
        self.threads = [threading.Thread(target=self.run, args=(i, lane), name=f"chaos-customer-{i}", daemon=True)
                        for i, lane in enumerate(lanes)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(PATIENCE + REQUEST_TIMEOUT + 5)

    def wait_in_flight(self, age: float | None = None, timeout: float = 3.0) -> Slot | None:
        """Wait until a submission has been under way for `age` s (by default a random part of a typical one's
        time, so that a kill lands before, during or after its commit); its slot, or None if none was."""
        if age is None:
            with self.lock:
                typical = sorted(self.latencies)[len(self.latencies) // 2] if self.latencies else 0.02
            age = random.uniform(0.2, 0.9) * typical
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = time.monotonic()
            with self.lock:
                ripe = [slot for started, slot in self.in_flight.values() if now - started >= age]
            if ripe:
                return random.choice(ripe)
            time.sleep(0.001)
        return None

    def acked_since(self, t: float) -> tuple[Slot, Submission] | None:
        with self.lock:
            return next(((slot, s) for slot, s in self.acks if s.started >= t), None)

    def run(self, lane_no: int, lane: list[Slot]) -> None:
        step = 0
        for slot in lane:
            while len(slot.acks) < PER_CUSTOMER and not self.stop.is_set():
                started = time.monotonic()
                self.submit(lane_no, slot, step)
                step += 1
                time.sleep(max(0.0, started + INTERVAL - time.monotonic()))
            if self.stop.is_set():
                return
        self.idle.append(f"customer thread {lane_no} ran out of customers at {time.strftime('%T')}")

    def submit(self, lane_no: int, slot: Slot, step: int) -> None:
        """One reading, retried with the same key and body until it is acknowledged or patience runs out."""
        increment = Decimal(1 + step * 7 % 13) + Decimal(step % 997) / 1000
        values = {z: v + increment + i for i, (z, v) in enumerate(slot.values.items())}
        sub = Submission(uuid.uuid4().hex, values)
        slot.values = values  # upwards whatever happens to this one
        body = {"meter_id": slot.meter_id, "values": {z: f"{v:f}" for z, v in values.items()}}
        url = f"{slot.me.base}/api/v1/accounts/{slot.account_id}/readings"
        give_up, backoff = time.monotonic() + PATIENCE, 0.2
        while True:
            started, wall = time.monotonic(), dt.datetime.now(dt.UTC)
            with self.lock:
                self.in_flight[lane_no] = (started, slot)
            try:
                reply = slot.me.http.post(url, json=body, headers={"Idempotency-Key": sub.key},
                                          timeout=REQUEST_TIMEOUT)
            except requests.RequestException as exc:
                reply, answer = None, type(exc).__name__
            except BaseException as exc:  # noqa: BLE001 - the OpenAPI check's pytest.fail, in a thread
                reply, answer = None, f"{type(exc).__name__}: {str(exc)[:800]}"
                self.anomaly(answer)
            finally:
                with self.lock:
                    del self.in_flight[lane_no]
            if reply is not None:
                answer = f"{reply.status_code} {_code(reply)}"
                if reply.headers.get("X-Kabinet-Worker"):
                    self.last_worker = slot.worker = int(reply.headers["X-Kabinet-Worker"])
                if reply.status_code == 201:
                    got = reply.json()
                    sub.reading_id, sub.started, sub.acked = got["reading_id"], started, time.monotonic()
                    sub.replayed = bool(sub.answers) and (reply.headers.get("Idempotent-Replayed") == "true" or
                                                          dt.datetime.fromisoformat(got["taken_at"]) < wall)
                    if {z: Decimal(v) for z, v in got["values"].items()} != values:
                        self.anomaly(f"201 with other values: sent {body}, got {got}")
                    with self.lock:
                        slot.acks.append(sub)
                        self.acks.append((slot, sub))
                        self.latencies.append(sub.acked - started)
                    return
                if reply.status_code == 429 or _code(reply) == "idempotency_in_progress":  # try again later
                    backoff = min(float(reply.headers.get("Retry-After", 1)), 2.0)
                elif reply.status_code < 500:  # the server said no: a client would not retry that
                    self.anomaly(f"{answer} {reply.text[:300]} (key {sub.key}, after {_runs(sub.answers)}, {body})")
                    sub.answers.append(answer)
                    slot.abandoned.append(sub)
                    return
            sub.answers.append(answer)
            with self.lock:
                self.failures[answer] += 1
            if time.monotonic() + backoff > give_up:
                slot.abandoned.append(sub)
                return
            time.sleep(backoff)
            backoff = min(backoff * 1.5, 1.0)

    def anomaly(self, what: str) -> None:
        with self.lock:
            self.anomalies.append(f"{time.strftime('%T')} {what}")


def _code(reply: requests.Response) -> str:
    try:
        return str(reply.json().get("code", ""))
    except ValueError:
        return reply.text[:80]


def new_slots(stack, count: int) -> list[Slot]:
    """`count` customers, each with a fresh account of the demo supplier bound to its cabinet."""
    prefix, base = f"7{uuid.uuid4().int % 10}", uuid.uuid4().int % 10**6 * 100
    accounts, meters = io.StringIO(), io.StringIO()
    wa, wm = csv.writer(accounts, delimiter=";"), csv.writer(meters, delimiter=";")
    wa.writerow(("supplier_code", "account_number", "holder", "address", "category", "area_m2", "residents",
                 "stove", "bill_delivery", "automatic_metering"))
    wm.writerow(("supplier_code", "account_number", "meter_number", "model", "zones", "digits", "ratio",
                 "verification_due"))
    models = {1: "Меркурий 201.5", 2: "НЕВА МТ 124 AS OP", 3: "НЕВА МТ 324 1.0 AOS26"}
    numbers = []
    for i in range(count):
        number, meter, zones = f"{prefix}-{base + i:08d}", f"{uuid.uuid4().int % 10**8:08d}", 1 + i % 3
        numbers.append((number, meter))
        wa.writerow(("012", number, f"Хаосов Пётр {i}", f"Санкт-Петербург, ул. Садовая, д. {i + 1}",
                     "urban_gas_stove", "54,3", 2, "gas", "email", "0"))
        wm.writerow(("012", number, meter, models[zones], zones, 6, "1", "2031-12-31"))
    report = import_registry(staff_member(stack), accounts=accounts.getvalue(), meters=meters.getvalue())
    assert [f["inserted"] for f in report["files"]] == [count, count], report

    def one(number_meter: tuple[str, str]) -> Slot:
        number, meter = number_meter
        me = Customer(stack.gateway_url).register().login()
        card = me.ok("POST", "/api/v1/accounts", 201, json={"number": number, "proof": {"meter_number": meter}})
        m = card["meters"][0]
        return Slot(me, card["account_id"], m["meter_id"], {z: Decimal("1000.000") for z in m["zone_names"]})

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, numbers))


# --- killing and coming back ---------------------------------------------------------------------------

def children(pid: int) -> list[int]:
    """Live child processes of `pid` (gunicorn's workers of its master)."""
    found = []
    for entry in os.listdir("/proc"):
        state = _stat(int(entry)) if entry.isdigit() else ()
        if state[1:] == (str(pid),) and state[0] != "Z":
            found.append(int(entry))
    return found


def _stat(pid: int) -> tuple[str, ...]:
    """(state, parent pid) of a process; () when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return tuple(f.read().rsplit(")", 1)[1].split()[:2])
    except (OSError, IndexError):
        return ()


def alive(pid: int) -> bool:
    return _stat(pid)[:1] not in ((), ("Z",))


def grpc_serving(target: str) -> bool:
    with grpc.insecure_channel(target) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def kill(stack, load: Load, kind: str):
    """kill -9 one process of `kind`; returns `up() -> bool`: does a new one run (and serve, for an api)."""
    if kind == "gateway-worker":
        # With requests waiting in the gateway (readings paused for a moment), kill the worker that holds
        # one of them: it dies with answers owed, the way a worker dies under load.
        master, readings = stack.supervisor.pid("gateway"), stack.supervisor.pid("readings-api")
        workers = children(master)
        os.kill(readings, signal.SIGSTOP)
        try:
            busy = load.wait_in_flight(age=0.15)
            victim = next(w for w in (busy and busy.worker, load.last_worker, *workers) if w in workers)
            os.kill(victim, signal.SIGKILL)
        finally:
            os.kill(readings, signal.SIGCONT)
        return lambda: not alive(victim) and len(children(master)) >= len(workers)
    if kind == "nats-server":
        stack.nats.kill()
        time.sleep(0.5)  # what the supervisor waits before its first restart
        stack.nats.start()  # as the launcher would
        return stack.nats.healthy
    victim = stack.supervisor.pid(kind)
    assert victim, f"{kind} is not running before the kill"

    def started(worker: str) -> int:  # how many times the worker said it has started
        return stack.supervisor.log_path(worker).read_bytes().count(b'"msg": "worker started"')

    before = 0 if kind.endswith("-api") else started(kind)
    if kind == "readings-api":
        load.wait_in_flight()  # a submission under way: before, during or after its commit
    os.kill(victim, signal.SIGKILL)  # a crash: the supervisor restarts it
    if kind.endswith("-api"):
        target = stack.grpc_target(kind.removesuffix("-api"))
        return lambda: stack.supervisor.pid(kind) not in (None, victim) and grpc_serving(target)
    return lambda: stack.supervisor.pid(kind) not in (None, victim) and started(kind) > before


def ready(stack) -> bool:
    try:
        return requests.get(f"{stack.gateway_url}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def flowed(load: Load, slot: Slot, sub: Submission) -> bool:
    """The reading went all the way: its charge and both inbox notices are there."""
    probe = slot.probe()
    try:
        charges = probe.http.get(f"{probe.base}/api/v1/accounts/{slot.account_id}/charges", params={"limit": 200},
                                 timeout=3)
        charge = next((c for c in charges.json()["charges"] if c["reading_id"] == sub.reading_id), None) \
            if charges.status_code == 200 else None
        if charge is None:
            return False
        inbox = probe.http.get(f"{probe.base}/api/v1/notifications", params={"limit": 200}, timeout=3)
        if inbox.status_code != 200:
            return False
    except (requests.RequestException, ValueError):
        return False
    except BaseException as exc:  # noqa: BLE001 - the OpenAPI check's pytest.fail: report it with the rest
        load.anomaly(f"probe: {type(exc).__name__}: {str(exc)[:800]}")
        return False
    mine = [n for n in inbox.json()["notifications"] if n["account_id"] == slot.account_id]
    return (any(reading_values(n) == sub.kwh for n in mine if n["category"] == "readings")
            and any(charge_amount(n) == charge["amount_kop"] for n in mine if n["category"] == "charges"))


def recover(stack, load: Load, kind: str) -> dict:
    """Kill one `kind`; time until (1) a new one runs, (2) the gateway is ready and answers 201 to a submission
    started after the kill, (3) a reading submitted after the kill has its charge and notices."""
    killed, at = time.monotonic(), dt.datetime.now(dt.UTC)
    up = kill(stack, load, kind)
    result: dict = {"kind": kind, "up": None, "serving": None, "flowing": None}
    load.kills.append((at, kind))
    while time.monotonic() < killed + RECOVERY_TIMEOUT and None in result.values():
        if result["up"] is None and up():
            result["up"] = time.monotonic() - killed
        first = load.acked_since(killed)
        if result["up"] is not None and result["serving"] is None and first and ready(stack):
            result["serving"] = time.monotonic() - killed
        if result["up"] is not None and result["flowing"] is None and first and flowed(load, *first):
            result["flowing"] = time.monotonic() - killed
        time.sleep(0.2)
    if None in result.values():
        name = {"gateway-worker": "gateway", "nats-server": None}.get(kind, kind)
        result["log"] = stack.supervisor.tail(name, 30) if name else stack.log_tails(30)
    return result


# --- what the customers were told, against what the platform holds ---------------------------------------

def _kwh(values: dict[str, Decimal]) -> tuple[str, ...]:
    return tuple(sorted(f"{Decimal(v):f}".replace(".", ",") for v in values.values()))


def reading_values(notice: dict) -> tuple[str, ...]:
    """The values a «Показания приняты» notice names (`Зона: 1234,500 (расход …)`)."""
    return tuple(sorted(re.findall(r": (\d+,\d{3})", notice["body"])))


def charge_amount(notice: dict) -> int | None:
    """The amount in a charge notice's title, in kopecks."""
    found = MONEY.search(notice["title"])
    return int(re.sub(r"\D", "", found.group(1))) * 100 + int(found.group(2)) if found else None


def problems_of(slot: Slot) -> list[str]:
    """Everything wrong with one customer's readings, charges and notices; [] when all is well.

    A submission the customer gave up on may have been saved all the same: found in the history by its
    values, it is held to the same rules (one charge, one notice of each kind)."""
    if not slot.acks and not slot.abandoned:
        return []
    probe, who = slot.probe(), f"account {slot.account_id}"
    history = probe.ok("GET", f"/api/v1/accounts/{slot.account_id}/readings", params={"limit": 200})["readings"]
    charges = probe.ok("GET", f"/api/v1/accounts/{slot.account_id}/charges", params={"limit": 200})["charges"]
    inbox = probe.ok("GET", "/api/v1/notifications", params={"limit": 200})["notifications"]
    problems = []
    twice = [r for r, n in Counter(s.reading_id for s in slot.acks).items() if n > 1]
    if twice:
        problems.append(f"{who}: one reading id acknowledged for two submissions: {twice}")
    given_up = {s.kwh: s for s in slot.abandoned}
    for r in history:
        if _kwh(r["values"]) in given_up:
            given_up[_kwh(r["values"])].reading_id = r["reading_id"]
    saved = {s.reading_id: s for s in [*slot.acks, *slot.abandoned] if s.reading_id}
    seen = Counter(r["reading_id"] for r in history)
    for rid, sub in saved.items():
        if seen[rid] != 1 and sub in slot.acks:
            problems.append(f"{who}: acknowledged reading {rid} (key {sub.key}, after {_runs(sub.answers)}) "
                            f"is in the history {seen[rid]} times")
    extra = [r for r in history if r["reading_id"] not in saved]
    if extra:
        problems.append(f"{who}: readings nobody submitted or was told about (duplicates?): {extra}")
    for r in history:
        if r["reading_id"] in saved and _kwh(r["values"]) != saved[r["reading_id"]].kwh:
            problems.append(f"{who}: reading {r['reading_id']} holds {r['values']}, not what was sent")
    per_reading = Counter(c["reading_id"] for c in charges)
    for rid in saved:
        if per_reading[rid] != 1:
            problems.append(f"{who}: reading {rid} has {per_reading[rid]} charges")
    strays = [c for c in charges if c["reading_id"] not in saved]
    if strays:
        problems.append(f"{who}: charges for readings nobody submitted: {strays}")
    mine = [n for n in inbox if n["account_id"] == slot.account_id]
    told = Counter(charge_amount(n) for n in mine if n["category"] == "charges")
    owed = Counter(c["amount_kop"] for c in charges if c["reading_id"] in saved)
    if told != owed:
        problems.append(f"{who}: charge notices by amount (kop): {dict(told - owed)} too many, "
                        f"{dict(owed - told)} missing")
    same = [k for k, n in Counter((n["title"], n["body"]) for n in mine if n["category"] == "charges").items()
            if n > 1]
    if same:  # every charge moves the balance, so two equal notices are one charge told twice
        problems.append(f"{who}: the same charge notice twice: {same}")
    told_readings = Counter(reading_values(n) for n in mine if n["category"] == "readings")
    sent = Counter(s.kwh for s in saved.values())
    if told_readings != sent:
        problems.append(f"{who}: «Показания приняты» notices {dict(told_readings - sent)} too many, "
                        f"{dict(sent - told_readings)} missing")
    return problems


def slowest_charge(slots: list[Slot]) -> tuple[float, str, dt.datetime] | None:
    """(seconds from a reading to its charge, the reading, when it was taken) of the slowest charge."""
    delays = []
    for slot in slots:
        probe = slot.probe()
        taken = {r["reading_id"]: dt.datetime.fromisoformat(r["taken_at"]) for r in probe.ok(
            "GET", f"/api/v1/accounts/{slot.account_id}/readings", params={"limit": 200})["readings"]}
        for c in probe.ok("GET", f"/api/v1/accounts/{slot.account_id}/charges", params={"limit": 200})["charges"]:
            if c["reading_id"] in taken:
                delay = (dt.datetime.fromisoformat(c["posted_at"]) - taken[c["reading_id"]]).total_seconds()
                delays.append((delay, c["reading_id"], taken[c["reading_id"]]))
    return max(delays, default=None)


# --- the test --------------------------------------------------------------------------------------------

def test_nothing_acknowledged_is_lost_or_duplicated_when_processes_die_under_load(stack, tmp_path,
                                                                                   record_property):
    began = time.monotonic()
    slots = new_slots(stack, THREADS * CUSTOMERS_PER_THREAD)
    set_up = time.monotonic() - began

    load = Load([slots[i::THREADS] for i in range(THREADS)])
    load.start()
    results = []
    try:
        eventually(lambda: len(load.acks) >= THREADS * 3, timeout=20, what="the stream of readings")
        for kind in KINDS:
            results.append(recover(stack, load, kind))
            time.sleep(0.3)
    finally:
        chaos = time.monotonic() - began - set_up
        load.finish()

    drained, last, pending = time.monotonic(), [["not checked"]], []

    def checks_out() -> bool:
        last[0] = [p for slot in slots for p in problems_of(slot)]
        if not pending:
            pending.append(last[0])  # what the backlog held when the stream stopped
        return not last[0]

    try:
        eventually(checks_out, timeout=45, interval=1.0, what="the backlog to drain")
        time.sleep(1.0)  # give a late duplicate every chance to land
        checks_out()
    except AssertionError:
        pass
    drain = time.monotonic() - drained

    rows = [f"{'process killed':<16} {'new one up':>11} {'201 + /readyz':>14} {'charge + notices':>17}"]
    rows += [f"{r['kind']:<16} {_secs(r['up']):>11} {_secs(r['serving']):>14} {_secs(r['flowing']):>17}"
             for r in results]
    subs = [s for _, s in load.acks]
    abandoned = [s for slot in slots for s in slot.abandoned]
    rows.append(f"{len(subs)} readings acknowledged, {sum(map(len, (s.answers for s in subs)))} retries "
                f"(failed attempts: {dict(load.failures)}), {sum(s.replayed for s in subs)} answered with what a "
                f"lost attempt had saved, {len(abandoned)} given up")
    slowest = slowest_charge(slots)
    if slowest:
        delay, rid, taken = slowest
        during = next((kind for at, kind in reversed(load.kills) if at <= taken), "nothing")
        rows.append(f"slowest charge: {delay:.1f} s after its reading {rid} (taken at {taken:%T}, after the kill "
                    f"of {during})")
    if pending and pending[0]:
        rows.append(f"when the stream stopped, {len(pending[0])} things were still to come, e.g. {pending[0][0]}")
    rows.append(f"set-up {set_up:.1f} s, chaos {chaos:.1f} s, drain {drain:.1f} s, "
                f"total {time.monotonic() - began:.1f} s")
    table = "\n".join(rows)
    print(f"\n{table}")
    (tmp_path / "chaos-recovery.txt").write_text(table + "\n")
    record_property("chaos_recovery", table)

    not_back = [f"{r['kind']}: new one up {_secs(r['up'])}, 201+/readyz {_secs(r['serving'])}, charge+notices "
                f"{_secs(r['flowing'])}\n{r.get('log', '')}" for r in results if None in r.values()]
    assert not not_back, f"did not recover within {RECOVERY_TIMEOUT:.0f} s:\n" + "\n".join(not_back)
    assert not abandoned, "submissions never acknowledged:\n" + "\n".join(
        f"key {s.key} {s.values}: answers {_runs(s.answers)}; "
        f"{'saved as ' + s.reading_id if s.reading_id else 'not in the history'}" for s in abandoned[:20])
    assert not load.anomalies, "answers a client must not get:\n" + "\n".join(load.anomalies[:20])
    assert not last[0], "lost or duplicated:\n" + "\n".join(last[0][:40])
    assert not load.idle, "\n".join(load.idle)  # the load must last the whole chaos: more customers needed


def _runs(answers: list[str]) -> str:
    """`a, b, b, b` -> `a, b ×3`."""
    runs: list[list] = []
    for answer in answers:
        if runs and runs[-1][0] == answer:
            runs[-1][1] += 1
        else:
            runs.append([answer, 1])
    return ", ".join(a if n == 1 else f"{a} ×{n}" for a, n in runs)


def _secs(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"
