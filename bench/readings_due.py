"""Benchmark: planning the readings.due reminders («Необходимо заявить показания») of a city-sized supplier.

    python -m bench.readings_due [--accounts 2000000] [--chunk 20000]

Starts its own durable PostgreSQL (fsync on, like production) in a temporary directory, migrates a readings
database and fills it with set-based SQL: one supplier (window 15–25, Moscow), its accounts' facts (2% АИИС
КУЭ), and a reading of November for 30% of them. Then times the scheduler's step (`service_layer.due.
plan_reminders`, the code the worker and the staff trigger run) on a day of the open window: one INSERT …
SELECT … ON CONFLICT DO NOTHING per chunk of accounts with the events COPYed into the outbox in the same
transaction; then the worker's next tick that day (skips: one full pass a day) and a forced full pass (plans
nothing: the notices' key). Prints notices/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path

import psycopg

from devstack.ports import scattered
from devstack.postgres import Postgres
from kit.migrations import upgrade
from kit.settings import load
from services.readings import bootstrap
from services.readings.config import ReadingsConfig
from services.readings.service_layer import due

SUPPLIER = "5b0c1a7e-0000-4000-8000-00000000d111"
OPEN_DAY = dt.datetime(2026, 11, 16, 6, tzinfo=dt.UTC)


def fill(dsn: str, accounts: int) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        steps = [
            ("supplier", """
                INSERT INTO supplier_facts (supplier_id, timezone, window_from_day, window_to_day, outside_policy,
                                            as_of)
                VALUES (%(s)s, 'Europe/Moscow', 15, 25, 'refuse', now())"""),
            ("account_facts", """
                INSERT INTO account_facts (account_id, supplier_id, category, automatic_metering, meters, as_of)
                SELECT gen_random_uuid(), %(s)s, 'urban_gas_stove', i %% 50 = 0,
                       jsonb_build_array(jsonb_build_object('meter_id', gen_random_uuid(), 'zones', 1, 'digits', 6,
                                                            'ratio', '1', 'number', i::text)), now()
                FROM generate_series(1, %(n)s) i"""),
            ("readings of November (30%)", """
                INSERT INTO readings (reading_id, account_id, meter_id, "values", consumption, taken_at, source,
                                      period, status, supplier_id)
                SELECT gen_random_uuid(), account_id, (meters->0->>'meter_id')::uuid, '{"total": "120.000"}',
                       '{"total": "20.000"}', '2026-11-15T09:00:00+00', 'cabinet', '2026-11-01', 'accepted',
                       supplier_id
                FROM account_facts WHERE abs(hashtext(account_id::text)) %% 100 < 30"""),
            ("vacuum analyze", "VACUUM ANALYZE"),
        ]
        for title, statement in steps:
            started = time.perf_counter()
            conn.execute(statement, {"s": SUPPLIER, "n": accounts})
            print(f"  {title}: {time.perf_counter() - started:.1f}s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.readings_due", description=__doc__)
    parser.add_argument("--accounts", type=int, default=2_000_000)
    parser.add_argument("--chunk", type=int, default=due.CHUNK)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kabinet-bench-due-"))
    postgres = Postgres(work / "postgres", scattered(["postgres"])["postgres"], fast=False,
                        log_file=work / "postgres.log")
    try:
        postgres.start()
        postgres.ensure_database("bench_due")
        url = postgres.url("bench_due")
        upgrade(url, Path(bootstrap.__file__).parent / "migrations")
        started = time.perf_counter()
        fill(url.replace("postgresql+psycopg://", "postgresql://"), args.accounts)
        print(f"data ready in {time.perf_counter() - started:.0f}s")
        measure(url, args.chunk)
    finally:
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


def measure(url: str, chunk: int) -> None:
    rt = bootstrap.SERVICE.runtime(load(ReadingsConfig, profile="test", database_url=url,
                                        nats_url="nats://127.0.0.1:4222", log_level="WARNING"))
    load_before = os.getloadavg()
    started = time.perf_counter()
    first = due.plan_reminders(rt.uow, now=OPEN_DAY, closing_days=3, chunk=chunk)
    took = time.perf_counter() - started
    print(f"readings.due planned: {first.opened} notices in {took:.1f}s = {first.opened / took:.0f} notices/s "
          f"(chunks of {chunk})")
    for title, again_today in (("the next tick the same day (skips)", False),
                               ("a full pass again (staff's trigger; nothing new)", True)):
        started = time.perf_counter()
        again = due.plan_reminders(rt.uow, now=OPEN_DAY + dt.timedelta(minutes=10), closing_days=3, chunk=chunk,
                                   again_today=again_today)
        print(f"  {title}: {again.opened} in {time.perf_counter() - started:.2f}s")
    print(f"  load average (1 min) before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; "
          f"{os.cpu_count()} CPUs")
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        notices, events = conn.execute("SELECT (SELECT count(*) FROM readings_due_notices), "
                                       "(SELECT count(*) FROM outbox WHERE subject = 'readings.due')").fetchone()
        print(f"  {notices} notices, {events} readings.due events in the outbox "
              f"({'one each' if notices == events == first.opened else 'MISMATCH'})")
    rt.engine.dispose()


if __name__ == "__main__":
    main()
