"""Benchmark: the АИИС КУЭ feed's ingest (docs/metering.md).

    python -m bench.metering [--accounts 200000] [--meters 200] [--batches 20] [--size 10000] [--registers 200]

Starts its own durable PostgreSQL (fsync on, like production) in a temporary directory, migrates a readings
database and fills the projection of accounts' facts with set-based SQL: one supplier's `--accounts` accounts
(one meter each), the first `--meters` of them АИИС КУЭ. Then sends `--batches` batches of `--size` hourly values
(the meters in turn, consecutive hours) through the code the gRPC API runs — the protobuf request turned into
items (entrypoints/api_metering.py), then service_layer.metering.ingest: the rules, the meters found by number,
COPY into a temporary table and one INSERT … ON CONFLICT DO NOTHING — and prints values/s and the latency
percentiles per batch; then the same batches again (all duplicates), and `--registers` register values (one
reading per meter, each through submit_reading with its event).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import psycopg
from kabinet.readings.v1 import readings_pb2 as pb

from devstack.ports import scattered
from devstack.postgres import Postgres
from kit.context import Caller
from kit.migrations import upgrade
from kit.settings import ServiceConfig, load
from services.readings import bootstrap
from services.readings.entrypoints.api_metering import items_from_pb
from services.readings.service_layer import metering

SUPPLIER = "5b0c1a7e-0000-4000-8000-0000000aa115"
PARTNER = Caller(user_id="5b0c1a7e-0000-4000-8000-0000000aa11e", kind="partner",
                 roles=("metering", f"supplier:{SUPPLIER}"))
NOW = dt.datetime(2026, 12, 4, 0, 30, tzinfo=dt.UTC)


def fill(dsn: str, accounts: int, meters: int) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        steps = [
            ("account_facts", """
                INSERT INTO account_facts (account_id, supplier_id, category, automatic_metering, meters, as_of)
                SELECT gen_random_uuid(), %(s)s, 'large_business', i <= %(m)s,
                       jsonb_build_array(jsonb_build_object('meter_id', gen_random_uuid(), 'zones', 1, 'digits', 8,
                                                            'ratio', '1', 'number', 'AK-' || lpad(i::text, 8, '0'))),
                       now()
                FROM generate_series(1, %(n)s) i"""),
            ("vacuum analyze", "VACUUM ANALYZE"),
        ]
        for title, statement in steps:
            started = time.perf_counter()
            conn.execute(statement, {"s": SUPPLIER, "n": accounts, "m": meters})
            print(f"  {title}: {time.perf_counter() - started:.1f}s")


def batches(count: int, size: int, meters: int) -> list[pb.IngestMeteringRequest]:
    """Batch b: `size` values over all meters, each meter's consecutive hours going back from NOW."""
    per_meter = size // meters
    out = []
    for b in range(count):
        newest = NOW.replace(minute=0) - dt.timedelta(hours=1 + b * per_meter)
        hours = [(newest - dt.timedelta(hours=h)).isoformat() for h in range(per_meter)]
        out.append(pb.IngestMeteringRequest(meters=[
            pb.MeteringMeter(meter_number=f"AK-{m:08d}", values=[
                pb.MeteringValue(at=at, kind="hourly", kwh=f"{(m * 7 + h) % 1000 / 997:.7f}")
                for h, at in enumerate(hours)]) for m in range(1, meters + 1)]))
    return out


def run(rt, requests: list[pb.IngestMeteringRequest]) -> tuple[float, list[float], list]:
    latencies, reports = [], []
    started = time.perf_counter()
    for request in requests:
        t = time.perf_counter()
        reports.append(metering.ingest(rt.uow, None, PARTNER, supplier_id=request.supplier_id,
                                       items=items_from_pb(request.meters), now=NOW))
        latencies.append(time.perf_counter() - t)
    return time.perf_counter() - started, latencies, reports


def percentiles(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return f"p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, max {ms[-1]:.0f} ms"


def measure(url: str, args) -> None:
    rt = bootstrap.SERVICE.runtime(load(ServiceConfig, profile="test", database_url=url,
                                        nats_url="nats://127.0.0.1:4222", log_level="WARNING"))
    requests = batches(args.batches, args.size, args.meters)
    values = sum(len(m.values) for r in requests for m in r.meters)
    load_before = os.getloadavg()
    took, latencies, reports = run(rt, requests)
    accepted = sum(r.accepted for r in reports)
    print(f"hourly values: {values} in {len(requests)} batches in {took:.2f}s = {values / took:,.0f} values/s "
          f"({accepted} accepted, {sum(r.rejected for r in reports)} rejected)")
    print(f"  per batch of {values // len(requests)}: {percentiles(latencies)}")
    took, latencies, reports = run(rt, requests)
    print(f"  the same batches again: {values / took:,.0f} values/s, {sum(r.duplicates for r in reports)} duplicates, "
          f"{sum(r.accepted for r in reports)} stored; per batch {percentiles(latencies)}")
    if args.registers:
        at = NOW.replace(minute=0) - dt.timedelta(minutes=30)
        request = pb.IngestMeteringRequest(meters=[
            pb.MeteringMeter(meter_number=f"AK-{m:08d}", values=[pb.MeteringValue(
                at=at.isoformat(), kind="register", zones=[pb.ZoneValue(zone="total", value=f"{m}.5")])])
            for m in range(1, min(args.registers, args.meters) + 1)])
        took, _, reports = run(rt, [request])
        print(f"register values: {reports[0].accepted} readings (each with its event) in {took:.2f}s = "
              f"{reports[0].accepted / took:,.0f} values/s")
    print(f"  load average (1 min) before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; "
          f"{os.cpu_count()} CPUs")
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        stored = conn.execute("SELECT count(*) FROM hourly_values").fetchone()[0]
        print(f"  hourly_values: {stored} rows ({'one per value' if stored == values else 'MISMATCH'})")
    rt.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.metering", description=__doc__)
    parser.add_argument("--accounts", type=int, default=200_000, help="the supplier's accounts in the projection")
    parser.add_argument("--meters", type=int, default=200, help="of them АИИС КУЭ (the batch's meters)")
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--size", type=int, default=10_000, help="values per batch (at most 10,000)")
    parser.add_argument("--registers", type=int, default=200, help="register values after the hourly ones")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kabinet-bench-metering-"))
    postgres = Postgres(work / "postgres", scattered(["postgres"])["postgres"], fast=False,
                        log_file=work / "postgres.log")
    try:
        postgres.start()
        postgres.ensure_database("bench_metering")
        url = postgres.url("bench_metering")
        upgrade(url, Path(bootstrap.__file__).parent / "migrations")
        started = time.perf_counter()
        fill(url.replace("postgresql+psycopg://", "postgresql://"), args.accounts, args.meters)
        print(f"data ready in {time.perf_counter() - started:.0f}s")
        measure(url, args)
    finally:
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
