"""Benchmark: legal entities' hourly profiles (.xlsx, 744 values: a 31-day month) uploaded through the gateway.

    python -m bench.interval_profiles [--meters 1000] [--sequential 200] [--clients 8]

Starts its own durable stack (fsync on) in a temporary directory, creates a supplier, `--meters` legal entities'
accounts with one meter each and their register readings of August and October 2026 through the staff registry
(the integral readings a profile needs), binds them to one customer (the binding limits lifted for the run),
and downloads one template. Then times POST .../interval-profiles (multipart .xlsx, the whole path: gateway,
readings' access check, calamine read, every cell checked, one row with a numeric[] and the event in the
outbox):

1. one client, `--sequential` meters' August profiles one after another: latency p50/p95/p99 (target p95 ≤ 300 ms);
2. every meter's October profile with `--clients` concurrent clients: the wall time (target 1,000 in ≤ 60 s).

Also prints what reading and checking one file costs in-process (calamine vs openpyxl).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from openpyxl import load_workbook

from devstack.stack import Stack
from services.readings.adapters.interval_xlsx import read_rows
from services.readings.domain.interval_grid import read_grid
from tests.e2e.client import Customer, import_registry, new_supplier, staff_member
from tests.e2e.interval_helpers import HEADER, fill

READINGS = (("2026-07-31", 1000), ("2026-08-31", 2000), ("2026-10-31", 3000))


def percentiles(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms"


def legal_entities(admin: Customer, meters: int) -> list[tuple[str, str]]:
    """(account number, meter number) of `meters` legal entities' accounts with the integral readings."""
    supplier = new_supplier(admin, name="АО «Почасовой бенч»")
    code = supplier["sms_code"]
    made = [(f"7{i:013d}", f"{random.randrange(10**8):08d}") for i in range(1, meters + 1)]
    import_registry(admin, accounts=HEADER + "".join(f"{code};{n};ООО «Бенч {i}»;Москва, ул. Часовая, д. {i};legal;;0;;"
                                                    f"email;0\n" for i, (n, _) in enumerate(made)),
                    meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
                           + "".join(f"{code};{n};{m};Меркурий 234;1;7;1;2030-12-31\n" for n, m in made))
    for taken, value in READINGS:
        import_registry(admin, readings="supplier_code;account_number;meter_number;taken_at;total\n"
                                        + "".join(f"{code};{n};{m};{taken};{value}\n" for n, m in made))
    return made


def in_process(content: bytes) -> None:
    started = time.perf_counter()
    for _ in range(50):
        read_grid(read_rows(content), None)
    fast = (time.perf_counter() - started) / 50
    started = time.perf_counter()
    for _ in range(10):
        list(load_workbook(io.BytesIO(content), read_only=True, data_only=True).active.values)
    slow = (time.perf_counter() - started) / 10
    print(f"in-process, one 744-value file ({len(content)} bytes): calamine read + every cell checked "
          f"{fast * 1000:.1f} ms; openpyxl read alone {slow * 1000:.1f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.interval_profiles", description=__doc__)
    parser.add_argument("--meters", type=int, default=1000)
    parser.add_argument("--sequential", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args(argv)
    os.environ.setdefault("KABINET_LOG_LEVEL", "WARNING")
    os.environ["KABINET_RATE_LIMITS"] = ('{"user": "1000000/minute", "ip": "1000000/minute", '
                                         '"bind_user": "1000000/minute", "bind_ip": "1000000/minute"}')
    work = Path(tempfile.mkdtemp(prefix="kabinet-bench-interval-"))
    stack = Stack(work / "data", "test", fast=False)
    try:
        stack.start()
        started = time.perf_counter()
        made = legal_entities(staff_member(stack), args.meters)
        me = Customer(stack.gateway_url).register().login()
        accounts = [me.ok("POST", "/api/v1/accounts", 201, json={"number": n, "proof": {"meter_number": m}})
                    for n, m in made]
        print(f"{args.meters} legal entities' accounts with integral readings, bound: "
              f"{time.perf_counter() - started:.0f}s")
        first = accounts[0]
        base = f"/api/v1/accounts/{first['account_id']}/meters/{first['meters'][0]['meter_id']}"
        files = {period: fill(me.call("GET", base + "/interval-template.xlsx", params={"period": period}).content,
                              "1,2345678") for period in ("2026-08", "2026-10")}
        in_process(files["2026-10"])

        def upload(account: dict, period: str) -> float:
            path = f"/api/v1/accounts/{account['account_id']}/meters/{account['meters'][0]['meter_id']}"
            began = time.perf_counter()
            response = me.http.post(me.base + path + "/interval-profiles", params={"mode": "plain"},
                                    files={"file": ("p.xlsx", files[period])}, timeout=60)
            assert response.status_code == 201, response.text[:500]
            return time.perf_counter() - began

        sequential = [upload(a, "2026-08") for a in accounts[: args.sequential]]
        print(f"one client, {len(sequential)} profiles of 744 values one after another: {percentiles(sequential)}")
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            concurrent = list(pool.map(lambda a: upload(a, "2026-10"), accounts))
        took = time.perf_counter() - started
        print(f"{len(concurrent)} meters' profiles (744 values each), {args.clients} clients: {took:.1f}s "
              f"({len(concurrent) / took:.0f} profiles/s, {len(concurrent) * 744 / took:.0f} values/s); "
              f"{percentiles(concurrent)}; {os.cpu_count()} CPUs")
    finally:
        stack.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
