"""Benchmark: a payment agent's *pay* through the gateway (POST /partners/v1/payments), signed, one new txn id
per request, at 32 connections.

    python -m bench.partner_pay [--accounts 500] [--connections 32] [--seconds 10]

Starts its own durable stack (fsync on) with the demo registry plus `--accounts` accounts of the demo supplier,
creates a staff admin and a partner of kind payment_agent through the staff API, signs every request in
advance (kit.partner_signing: a fresh nonce and txn id each, the time of the run) and drives them with wrk, each
request paying 1,00 ₽ to the next account round-robin. The partner rate limits are lifted for the run (they
would otherwise be the bench's ceiling). Prints req/s and latency percentiles, then checks idempotency: a
sample of the requests sent again with new signatures answers 200 replayed, with the first payment's id, and
the ledger holds exactly one entry per 201.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from bench.__main__ import cpu_seconds, ensure_wrk, outbox_drained, suite_processes
from devstack.stack import REPO_ROOT, Stack
from kit import partner_signing
from tests.e2e.client import staff_member
from tests.e2e.partner import new_partner

HERE = Path(__file__).resolve().parent
PATH = "/partners/v1/payments"
LUA = """
-- wrk script: every request is the next pre-signed pay of this thread's share (lines: key ts nonce sig body)
local reqs, counter = {}, 0
threads_seen = {}
function setup(thread) thread:set("tid", #threads_seen + 1); table.insert(threads_seen, thread) end
function init(args)
  local tid, nthreads, i = tonumber(wrk.thread:get("tid")), tonumber(args[2]), 0
  for line in io.lines(args[1]) do
    if i % nthreads == tid - 1 then
      local key, ts, nonce, sig, body = line:match("([^\\t]+)\\t([^\\t]+)\\t([^\\t]+)\\t([^\\t]+)\\t(.+)")
      table.insert(reqs, wrk.format("POST", "{PATH}", {["Content-Type"] = "application/json",
        ["X-Kabinet-Key"] = key, ["X-Kabinet-Timestamp"] = ts, ["X-Kabinet-Nonce"] = nonce,
        ["X-Kabinet-Signature"] = sig, ["X-Forwarded-For"] = "198.51.100.7"}, body))
    end
    i = i + 1
  end
end
function request() counter = counter + 1; return reqs[(counter - 1) % #reqs + 1] end
function done(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\\n", summary.errors.status))
  io.write(string.format("percentiles_ms: p50 %.2f p95 %.2f p99 %.2f\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
""".replace("{PATH}", PATH)


def registry(accounts: int, out: Path) -> Path:
    """demo/registry plus `accounts` accounts of the demo supplier (012): the directory the stack onboards."""
    shutil.copytree(REPO_ROOT / "demo" / "registry", out)
    with open(out / "accounts.csv", "a", encoding="utf-8") as f:
        f.write("".join(f"012;79-{i:08d};Платёжный Пётр Петрович;Санкт-Петербург, Банковский пер., д. {i};"
                        "urban_gas_stove;;;;paper;0\n" for i in range(accounts)))
    return out


def signed_lines(key_id: str, secret: str, supplier_id: str, accounts: int, count: int, run: str) -> list[str]:
    lines = []
    for i in range(count):
        body = json.dumps({"txn_id": f"{run}-{i}", "account_number": f"79-{i % accounts:08d}",
                           "supplier_id": supplier_id, "amount_kop": 100}, separators=(",", ":"))
        h = partner_signing.signed_headers(key_id, secret, "POST", PATH, body.encode())
        lines.append("\t".join((key_id, h[partner_signing.TIMESTAMP_HEADER], h[partner_signing.NONCE_HEADER],
                                h[partner_signing.SIGNATURE_HEADER], body)))
    return lines


def run_wrk(wrk: str, url: str, script: Path, requests_file: Path, connections: int, seconds: int) -> str:
    args = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url, "--",
            str(requests_file), "2"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.partner_pay", description=__doc__)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args(argv)
    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="kabinet-bench-pay-"))
    os.environ["KABINET_DEMO_REGISTRY"] = str(registry(args.accounts, work / "registry"))
    os.environ.setdefault("KABINET_LOG_LEVEL", "WARNING")
    os.environ["KABINET_RATE_LIMITS"] = json.dumps({"partner": "10000000/minute", "partner_ip": "10000000/minute"})
    stack = Stack(work / "data", "test", fast=False)
    try:
        started = time.monotonic()
        stack.start()
        print(f"bench: stack up in {time.monotonic() - started:.1f}s", flush=True)
        admin = staff_member(stack, "admin")
        supplier_id = next(s["supplier_id"] for s in admin.ok("GET", "/staff/v1/suppliers")["suppliers"]
                           if s["sms_code"] == "012")
        bank = new_partner(admin)
        script = work / "pay.lua"
        script.write_text(LUA)
        url = stack.gateway_url + PATH
        warm = work / "warm.txt"
        warm.write_text("\n".join(signed_lines(bank.key_id, bank.secret, supplier_id, args.accounts, 3000,
                                               "warm")) + "\n")
        run_wrk(wrk, url, script, warm, args.connections, 3)
        run = f"R{uuid.uuid4().hex[:8]}"
        measured = work / "pay.txt"
        measured.write_text("\n".join(signed_lines(bank.key_id, bank.secret, supplier_id, args.accounts,
                                                   max(20000, 600 * args.seconds), run)) + "\n")
        pids = suite_processes(stack)
        before = cpu_seconds(pids)
        report = run_wrk(wrk, url, script, measured, args.connections, args.seconds)
        used = {k: v - before.get(k, 0) for k, v in cpu_seconds(pids).items()}
        print(report)
        pct = dict(re.findall(r"(p\d\d) ([\d.]+)", report))
        errors = re.search(r"non-2xx/3xx: (\d+)", report)
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1))
        print(f"partner pay: {rps:.0f} req/s, p50 {pct.get('p50')} ms, p95 {pct.get('p95')} ms, p99 "
              f"{pct.get('p99')} ms, non-2xx {errors.group(1) if errors else '?'} "
              f"(connections={args.connections}, {args.seconds}s, {os.cpu_count()} CPUs)")
        total = sum(used.values()) or 1
        print(f"CPU used by the suite: {total:.1f}s over {args.seconds}s; split: " + ", ".join(
            f"{k} {v / total:.0%}" for k, v in sorted(used.items(), key=lambda kv: -kv[1]) if v / total >= 0.01))
        print(f"load average (1 min): {os.getloadavg()[0]:.2f}")
        check_idempotency(stack, bank, supplier_id, args.accounts, run)
        time.sleep(2)
        print(f"bench: outbox drained: {outbox_drained(stack)}")
    finally:
        stack.stop()
        shutil.rmtree(work, ignore_errors=True)


def check_idempotency(stack: Stack, bank, supplier_id: str, accounts: int, run: str) -> None:
    """20 txn ids of the run again: 200, replayed, the same payment; one ledger entry per payment. (wrk builds
    each thread's first request once before the run and never sends it: the sample starts further on.)"""
    replays = []
    for i in range(10, 30):
        body = {"txn_id": f"{run}-{i}", "account_number": f"79-{i % accounts:08d}", "supplier_id": supplier_id,
                "amount_kop": 100}
        response = bank.post(PATH, json=body)
        replays.append(response.status_code == 200 and response.json()["replayed"])
        if not replays[-1]:
            print(f"  {body['txn_id']}: {response.status_code} {response.text[:200]}")
    with psycopg.connect(stack.database_url("payments").replace("+psycopg", "")) as conn:
        payments, entries = conn.execute(
            "SELECT count(*), (SELECT count(*) FROM ledger WHERE external_id LIKE %s) FROM partner_payments "
            "WHERE txn_id LIKE %s", (f"partner:%:{run}-%", f"{run}-%")).fetchone()
    print(f"idempotency: {sum(replays)}/20 replays answered with the first payment; {payments} payments, "
          f"{entries} ledger entries")


if __name__ == "__main__":
    main()
