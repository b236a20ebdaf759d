"""Benchmark: the readings.due reminders of a city — planned, then sent within the providers' rates.

    python -m bench.notify_reminders [--accounts 2000000] [--kind closing] [--sample-sms 3000] [--sample-email 2000]
                                     [--sms-rate 200] [--sms-burst 100] [--email-rate 100] [--email-burst 50]

Starts its own durable PostgreSQL (fsync on, like production) in a temporary directory, migrates a notify database
and COPY-seeds notify's projections: one supplier (Europe/Moscow), its accounts (account_facts), one cabinet user
per account (account_users), every user's verified phone and 60% of them an e-mail (contacts), and 10% who switched
reminders by SMS off (notification_preferences). Then:

1. plans one readings.due per account through the code the `notify-reminders`
   subscription runs — the kit consumer's shared transaction (claim the events in processed_events, the batch
   handler, one commit) a fetch of 500 at a time — and prints notices/s and the rows written. The kind is
   `closing` by default («приём показаний скоро закончится»: SMS and e-mail; `opened` goes by e-mail only);
2. drains a sample of the queue through the real SMSC and SMTP simulators (`python -m simulators.sms|smtp`,
   started here) with the dispatcher (two replicas' passes in threads, the configured rate and burst), and prints
   per provider the achieved rate, the busiest 1-s window against rate + burst (the limit held?) and the send
   latency p50/p95 (the adapter's call: HTTP form POST / SMTP with AUTH-less submission).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import requests
from kabinet.readings.v1 import readings_pb2

from devstack.ports import scattered
from devstack.postgres import Postgres
from kit.consumer import ConsumerLoop
from kit.events import Event
from kit.migrations import upgrade
from kit.settings import load
from services.notify import bootstrap
from services.notify.adapters.delivery import SmscSender, SmtpSender
from services.notify.config import NotifyConfig
from services.notify.domain.dispatch import QuietHours, Rate, Retry
from services.notify.domain.model import EMAIL, SMS
from services.notify.entrypoints.reminders import FETCH, reminder_subscriptions
from services.notify.service_layer import dispatch

SUPPLIER = "5b0c1a7e-0000-4000-8000-00000000d222"
REPO = Path(__file__).resolve().parents[1]


def fill(dsn: str, accounts: int) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        steps = [
            ("supplier_facts", "INSERT INTO supplier_facts (supplier_id, name, time_zone, as_of) "
                               "VALUES (%(s)s, 'АО «Бенчмарк»', 'Europe/Moscow', now())"),
            ("account_facts", "INSERT INTO account_facts (account_id, supplier_id, number, category, as_of) "
                              "SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, %(s)s, "
                              "'77-' || lpad(i::text, 8, '0'), 'urban_gas_stove', now() "
                              "FROM generate_series(1, %(n)s) i"),
            ("account_users", "INSERT INTO account_users (account_id, user_id) "
                              "SELECT account_id, ('10000000' || substr(account_id::text, 9))::uuid "
                              "FROM account_facts"),
            ("contacts: every phone", "INSERT INTO contacts (user_id, channel, destination, as_of) "
                                      "SELECT user_id, 'sms', '+7911' || lpad((row_number() OVER ())::text, 7, '0'), "
                                      "now() FROM account_users"),
            ("contacts: 60% e-mail", "INSERT INTO contacts (user_id, channel, destination, as_of) "
                                     "SELECT user_id, 'email', 'u' || substr(user_id::text, 25) || '@example.ru', "
                                     "now() FROM account_users WHERE abs(hashtext(user_id::text)) %% 100 < 60"),
            ("preferences: 10% no reminders by SMS",
             "INSERT INTO notification_preferences (user_id, category, channel, enabled) "
             "SELECT user_id, 'reminders', 'sms', false FROM account_users "
             "WHERE abs(hashtext(user_id::text || 'p')) %% 100 < 10"),
            ("vacuum analyze", "VACUUM ANALYZE"),
        ]
        for title, statement in steps:
            started = time.perf_counter()
            conn.execute(statement, {"s": SUPPLIER, "n": accounts})
            print(f"  {title}: {time.perf_counter() - started:.1f}s", flush=True)


def plan(rt, dsn: str, accounts: int, kind: str) -> None:
    """readings.due for every account, a fetch at a time through the consumer's shared transaction."""
    [sub] = reminder_subscriptions(rt)
    consumer = ConsumerLoop(None, sub, rt.uow)
    handler = sub.handler_for("readings.due")
    with psycopg.connect(dsn) as conn:
        ids = [str(r[0]) for r in conn.execute("SELECT account_id FROM account_facts ORDER BY account_id")]
    load_before = os.getloadavg()
    started = time.perf_counter()
    for start in range(0, len(ids), FETCH):
        items = [(handler, Event("readings.due", a, readings_pb2.ReadingsDueNotice(
            account_id=a, supplier_id=SUPPLIER, period="2026-12", kind=kind, window_from="2026-12-15",
            window_to="2026-12-25"))) for a in ids[start:start + FETCH]]
        consumer._handle_together(items)  # the consumer's own code path for a fetch
        if start and start % 200_000 == 0:
            print(f"  … {start} planned, {start / (time.perf_counter() - started):.0f}/s", flush=True)
    took = time.perf_counter() - started
    print(f"readings.due ({kind}) planned: {accounts} notices in {took:.0f}s = {accounts / took:.0f} notices/s "
          f"(fetches of {FETCH})")
    print(f"  load average (1 min) before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; "
          f"{os.cpu_count()} CPUs")
    with psycopg.connect(dsn) as conn:
        inbox, sms, email, claimed = conn.execute(
            "SELECT (SELECT count(*) FROM inbox), (SELECT count(*) FROM outgoing WHERE channel = 'sms'), "
            "(SELECT count(*) FROM outgoing WHERE channel = 'email'), "
            "(SELECT count(*) FROM processed_events)").fetchone()
        sizes = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('outgoing')), "
                             "pg_size_pretty(pg_total_relation_size('inbox'))").fetchone()
    print(f"  rows: {inbox} inbox, {sms} SMS and {email} e-mails queued ({sizes[0]}; inbox {sizes[1]}), "
          f"{claimed} events claimed")


class Timed:
    """An adapter whose every call is timed."""

    def __init__(self, sender) -> None:
        self.sender, self.took, self.lock = sender, [], threading.Lock()

    def send(self, message) -> None:
        started = time.perf_counter()
        try:
            self.sender.send(message)
        finally:
            with self.lock:
                self.took.append(time.perf_counter() - started)


def simulators() -> tuple[list[subprocess.Popen], dict[str, str], dict]:
    ports = scattered(["sms", "smtp", "smtp_http"])
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'gen'}"}
    procs = [
        subprocess.Popen([sys.executable, "-m", "simulators.sms", "--port", str(ports["sms"]), "--login", "bench",
                          "--password", "bench"], env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                         stderr=subprocess.STDOUT),
        subprocess.Popen([sys.executable, "-m", "simulators.smtp", "--port", str(ports["smtp"]), "--http-port",
                          str(ports["smtp_http"])], env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                         stderr=subprocess.STDOUT),
    ]
    urls = {SMS: f"http://127.0.0.1:{ports['sms']}", EMAIL: f"http://127.0.0.1:{ports['smtp_http']}"}
    for url in urls.values():
        for _ in range(100):
            try:
                if requests.get(f"{url}/_sim/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
    return procs, urls, ports


def drain(rt, samples: dict[str, int], rates: dict[str, Rate], replicas: int) -> None:
    procs, urls, ports = simulators()
    try:
        senders = {SMS: Timed(SmscSender(f"{urls[SMS]}/sys/send.php", login="bench", password="bench")),
                   EMAIL: Timed(SmtpSender("127.0.0.1", ports["smtp"], sender="Кабинет <noreply@example.ru>",
                                           security="none"))}
        d = dispatch.Dispatcher(senders=senders, rates={c: r for c, r in rates.items() if samples[c] > 0}, quiet=QuietHours.parse("21:00-09:00"),
                                retry=Retry(8), batch=500, concurrency=8)
        # a moment the quiet hours allow in Moscow, so that SMS go whenever the bench runs (the test clock)
        moment = QuietHours.parse("21:00-09:00").next_allowed(dt.datetime.now(dt.UTC), "Europe/Moscow")
        moment = max(moment, dt.datetime.now(dt.UTC)) + dt.timedelta(minutes=1)
        sent = {SMS: 0, EMAIL: 0}
        idle = [0]
        lock = threading.Lock()
        done = threading.Event()

        def replica():
            while not done.is_set():
                counts = dispatch.dispatch(rt.uow, d, moment=moment)
                with lock:
                    for channel, n in counts.by_channel.items():
                        sent[channel] += n
                    idle[0] = 0 if counts.sent else idle[0] + 1
                    if all(sent[c] >= n for c, n in samples.items()) or idle[0] > 40:  # done, or nothing left
                        done.set()
                time.sleep(0.25)  # the job's period

        started = time.perf_counter()
        threads = [threading.Thread(target=replica) for _ in range(replicas)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - started
        print(f"drained a sample in {took:.1f}s with {replicas} dispatcher replicas (passes every 0.25 s):")
        for channel in samples:
            if samples[channel] <= 0:
                continue
            received = requests.get(f"{urls[channel]}/_sim/messages", params={"limit": 10_000}, timeout=30).json()
            times = sorted(dt.datetime.fromisoformat(m["received_at"]).timestamp() for m in received["messages"])
            if not times:
                print(f"  {channel}: nothing queued")
                continue
            window = max(bisect.bisect_left(times, start + 1.0) - i for i, start in enumerate(times))
            span = times[-1] - times[0] if len(times) > 1 else 1.0
            rate = rates[channel]
            lat = sorted(senders[channel].took)
            p95 = lat[int(len(lat) * 0.95) - 1] * 1000
            print(f"  {channel}: {len(times)} received at {(len(times) - rate.burst) / span:.1f}/s after the burst "
                  f"(rate {rate.per_second:g}/s, burst {rate.burst:g}); busiest 1-s window {window} "
                  f"≤ {rate.per_second + rate.burst:g}: {'held' if window <= rate.per_second + rate.burst else 'BROKEN'}"
                  f"; send latency p50 {statistics.median(lat) * 1000:.1f} ms, p95 {p95:.1f} ms")
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.notify_reminders", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=2_000_000)
    parser.add_argument("--kind", choices=("opened", "closing"), default="closing")
    parser.add_argument("--sample-sms", type=int, default=3000)
    parser.add_argument("--sample-email", type=int, default=2000)
    parser.add_argument("--sms-rate", type=float, default=200)
    parser.add_argument("--sms-burst", type=float, default=100)
    parser.add_argument("--email-rate", type=float, default=100)
    parser.add_argument("--email-burst", type=float, default=50)
    parser.add_argument("--replicas", type=int, default=2)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop PostgreSQL and the simulators on the way out
    work = Path(tempfile.mkdtemp(prefix="kabinet-bench-notify-"))
    postgres = Postgres(work / "postgres", scattered(["postgres"])["postgres"], fast=False,
                        log_file=work / "postgres.log")
    try:
        postgres.start()
        postgres.ensure_database("bench_notify")
        url = postgres.url("bench_notify")
        upgrade(url, Path(bootstrap.__file__).parent / "migrations")
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        started = time.perf_counter()
        fill(dsn, args.accounts)
        print(f"data ready in {time.perf_counter() - started:.0f}s", flush=True)
        rt = bootstrap.SERVICE.runtime(load(NotifyConfig, profile="test", database_url=url,
                                            nats_url="nats://127.0.0.1:4222", log_level="WARNING"))
        plan(rt, dsn, args.accounts, args.kind)
        drain(rt, {SMS: args.sample_sms, EMAIL: args.sample_email},
              {SMS: Rate(args.sms_rate, args.sms_burst), EMAIL: Rate(args.email_rate, args.email_burst)},
              args.replicas)
        rt.engine.dispose()
    finally:
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
