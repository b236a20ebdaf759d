"""Benchmark: a city-sized registry import through the staff API, and dashboard latency.

    python -m bench.accounts [--accounts 100000] [--dashboard-accounts 5] [--requests 300]

Starts its own durable stack in a temporary directory, signs a staff admin in
(TOTP), uploads a generated registry (accounts + meters, then payments) to
POST /staff/v1/registry, re-imports it (idempotent: all unchanged), then binds
a customer to several accounts and times GET /api/v1/dashboard, sequentially
and with concurrent clients.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from devstack.stack import Stack
from tests.e2e.client import Customer, staff_member
from tools.registry_generator import generate


def upload(staff: Customer, directory: Path, *names: str) -> tuple[float, dict]:
    files = {n: (f"{n}.csv", (directory / f"{n}.csv").read_bytes(), "text/csv") for n in names}
    started = time.perf_counter()
    response = staff.http.post(staff.base + "/staff/v1/registry", files=files, timeout=900)
    assert response.status_code == 200, response.text[:500]
    return time.perf_counter() - started, response.json()


def summary(report: dict) -> str:
    return ", ".join(f"{f['kind']}: +{f['inserted']} ~{f['updated']} ={f['unchanged']} x{len(f['rejected'])}"
                     for f in report["files"])


def percentiles(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.accounts", description=__doc__)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--dashboard-accounts", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    os.environ.setdefault("KABINET_LOG_LEVEL", "WARNING")
    # One customer asks for the dashboard hundreds of times a minute here: lift the per-user and
    # per-IP request limits for this measurement only.
    os.environ["KABINET_RATE_LIMITS"] = '{"user": "100000/minute", "ip": "100000/minute"}'

    work = Path(tempfile.mkdtemp(prefix="kabinet-bench-accounts-"))
    registry = work / "registry"
    generate(registry, args.accounts, prefix="60")
    stack = Stack(work / "data", "test", fast=False)
    try:
        stack.start()
        staff = staff_member(stack)
        took, report = upload(staff, registry, "accounts", "meters")
        print(f"import {args.accounts} accounts + meters: {took:.1f}s "
              f"({args.accounts / took:.0f} accounts/s) — {summary(report)}")
        took, report = upload(staff, registry, "payments")
        print(f"import {2 * args.accounts} payments: {took:.1f}s — {summary(report)}")
        took, report = upload(staff, registry, "accounts", "meters")
        print(f"re-import accounts + meters (no changes): {took:.1f}s — {summary(report)}")

        me = Customer(stack.gateway_url).register().login()
        with open(registry / "meters.csv", encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter=";"))[: args.dashboard_accounts]
        for row in rows:
            me.ok("POST", "/api/v1/accounts", 201, json={
                "number": row["account_number"], "proof": {"meter_number": row["meter_number"]}})
        time.sleep(1.0)  # let the projections catch up, as they would between a binding and a visit
        me.ok("GET", "/api/v1/dashboard")
        samples = []
        for _ in range(args.requests):
            started = time.perf_counter()
            me.ok("GET", "/api/v1/dashboard")
            samples.append(time.perf_counter() - started)
        print(f"dashboard ({len(rows)} accounts), one client: {percentiles(samples)}")

        def timed(_):
            started = time.perf_counter()
            me.ok("GET", "/api/v1/dashboard")
            return time.perf_counter() - started

        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            concurrent = list(pool.map(timed, range(args.requests)))
        elapsed = time.perf_counter() - started
        print(f"dashboard, 8 concurrent clients: {len(concurrent) / elapsed:.0f} req/s, {percentiles(concurrent)}")
    finally:
        stack.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
