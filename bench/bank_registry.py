"""Benchmark: import and reconcile one bank's daily registry (реестр платежей, docs/bank-registry-format.md).

    python -m bench.bank_registry [--rows 100000] [--new 0.02] [--mismatch 0.01] [--absent 1000]

Starts its own durable PostgreSQL (fsync on) in a temporary directory, migrates a payments database and fills
it with set-based SQL: the accounts' facts (one account per row), and the bank's payments posted through the
partner API earlier that day for all rows but the `--new` share (with their ledger entries), a `--mismatch`
share of them with another amount than the file says, and `--absent` more payments the file leaves out. Then
times `service_layer.bank_registries.import_registry` (the code the API runs: parse, totals, set-based
matching, COPY of the rows, the new rows posted one by one through money_in.post_payment) on the generated
file, the same file again (the first result), and the .xlsx export of the report.
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
from kit.context import Caller
from kit.errors import NotFound
from kit.migrations import upgrade
from kit.settings import ServiceConfig, load
from services.payments import bootstrap
from services.payments.domain.bank_registry import rub
from services.payments.service_layer import bank_registries

SUPPLIER = "5b0c1a7e-0000-4000-8000-00000000b222"
BANK = Caller(user_id="5b0c1a7e-0000-4000-8000-0000000ba4c0", kind="partner", roles=("payment_agent",))
STAFF = Caller(user_id="5b0c1a7e-0000-4000-8000-00000000057a", kind="staff", roles=("admin",))
DAY = dt.date(2026, 12, 3)


class NoAccounts:
    """Every account of the file is in the projection as printed: accounts is never asked."""

    def find(self, number: str, supplier_id: str) -> str:
        raise NotFound(code="account_not_found")


def fill(dsn: str, rows: int, new: float, mismatch: float, absent: int) -> None:
    """Accounts 1..rows (number 88-<i>), the bank's earlier payments of txn BR-<i> for every i not new, and the
    absent ones BA-<j>; all set-based."""
    posted_sql = f"(i % 1000) >= {int(new * 1000)}"  # the new rows: the first `new` share of every thousand
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO suppliers (supplier_id, name, inn, kpp, bank_name, bic, settlement_account, "
                     "correspondent_account, timezone, payment_due_day, as_of) VALUES (%s, 'АО «Бенчсбыт»', "
                     "'7801234567', '780101001', 'Банк', '044030001', '40702810000000000001', "
                     "'30101810000000000001', 'Europe/Moscow', 10, now())", (SUPPLIER,))
        steps = [
            ("account facts", f"""
                INSERT INTO account_facts (account_id, supplier_id, category, meter_zones, as_of, number)
                SELECT gen_random_uuid(), '{SUPPLIER}', 'urban_gas_stove', '[1]', now(),
                       '88-' || lpad(i::text, 8, '0')
                FROM generate_series(1, {rows}) i"""),
            ("the bank's payments of the day", f"""
                INSERT INTO partner_payments (payment_id, partner_id, txn_id, supplier_id, account_id, account_number,
                    amount_kop, energy_kop, penalties_kop, paid_at, paid_on, posted_at, status, channel, request_hash)
                SELECT gen_random_uuid(), '{BANK.user_id}', 'BR-' || i, '{SUPPLIER}'::uuid, f.account_id, f.number,
                       10000 + i % 5000, 10000 + i % 5000, 0, '{DAY} 10:00+03'::timestamptz, '{DAY}'::date,
                       '{DAY} 10:00+03'::timestamptz,
                       'succeeded', 'bank', 'bench'
                FROM generate_series(1, {rows}) i
                JOIN account_facts f ON f.number = '88-' || lpad(i::text, 8, '0')
                WHERE {posted_sql}
                UNION ALL
                SELECT gen_random_uuid(), '{BANK.user_id}', 'BA-' || j, '{SUPPLIER}'::uuid, gen_random_uuid(), 'x', 777, 777,
                       0, '{DAY} 12:00+03'::timestamptz, '{DAY}'::date, '{DAY} 12:00+03'::timestamptz, 'succeeded',
                       'bank', 'bench'
                FROM generate_series(1, {absent}) j"""),
            ("their ledger entries", f"""
                INSERT INTO ledger (entry_id, account_id, kind, amount_kop, posted_at, bucket, external_id, channel,
                                    paid_on)
                SELECT gen_random_uuid(), account_id, 'payment', amount_kop, posted_at, 'energy',
                       'partner:{BANK.user_id}:' || txn_id, 'bank', paid_on
                FROM partner_payments"""),
            ("vacuum analyze", "VACUUM ANALYZE"),
        ]
        for title, statement in steps:
            started = time.perf_counter()
            conn.execute(statement)
            print(f"  {title}: {time.perf_counter() - started:.1f}s")


def registry_file(rows: int, mismatch: float) -> bytes:
    """Row i: txn BR-<i>, account 88-<i>, the amount the bank posted — another one for a `mismatch` share."""
    every = int(1 / mismatch) if mismatch else 0
    lines, total = ["txn_id;account_number;amount;paid_at;payer"], 0
    for i in range(1, rows + 1):
        kop = 10000 + i % 5000 + (1 if every and i % every == every // 2 else 0)
        total += kop
        lines.append(f"BR-{i};88-{i:08d};{rub(kop)};{DAY.strftime('%d.%m.%Y')} 10:00;Плательщик {i}")
    lines.append(f"ИТОГО;{rows};{rub(total)};{DAY.isoformat()}")
    return ("\n".join(lines) + "\n").encode()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bank_registry", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--new", type=float, default=0.02, help="share of rows the bank never posted (posted now)")
    parser.add_argument("--mismatch", type=float, default=0.01, help="share of rows with another amount")
    parser.add_argument("--absent", type=int, default=1000, help="the bank's payments of the day not in the file")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kabinet-bench-registry-"))
    postgres = Postgres(work / "postgres", scattered(["postgres"])["postgres"], fast=False,
                        log_file=work / "postgres.log")
    try:
        postgres.start()
        postgres.ensure_database("bench_registry")
        url = postgres.url("bench_registry")
        upgrade(url, Path(bootstrap.__file__).parent / "migrations")
        started = time.perf_counter()
        fill(url.replace("postgresql+psycopg://", "postgresql://"), args.rows, args.new, args.mismatch, args.absent)
        content = registry_file(args.rows, args.mismatch)
        print(f"data ready in {time.perf_counter() - started:.0f}s; the file: {args.rows} rows, "
              f"{len(content) / 2**20:.1f} MiB")
        measure(url, content)
    finally:
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


def measure(url: str, content: bytes) -> None:
    rt = bootstrap.SERVICE.runtime(load(ServiceConfig, profile="test", database_url=url,
                                        nats_url="nats://127.0.0.1:4222", log_level="WARNING"))
    now = dt.datetime.combine(DAY, dt.time(20), tzinfo=dt.UTC)
    load_before = os.getloadavg()
    started = time.perf_counter()
    got = bank_registries.import_registry(rt.uow(), NoAccounts(), BANK, content=content, supplier_id=SUPPLIER,
                                          now=now)
    took = time.perf_counter() - started
    print(f"bank registry: {got.rows} rows imported and reconciled in {took:.1f}s = {got.rows / took:,.0f} rows/s")
    print(f"  matched {got.matched}, amount mismatch {got.amount_mismatch}, missing in the ledger "
          f"{got.missing_in_ledger} (posted now {got.posted}), missing in the registry {got.missing_in_registry}")
    started = time.perf_counter()
    again = bank_registries.import_registry(rt.uow(), NoAccounts(), BANK, content=content, supplier_id=SUPPLIER,
                                            now=now)
    print(f"  the same file again: {time.perf_counter() - started:.2f}s (replayed: {again.replayed})")
    started = time.perf_counter()
    _, xlsx = bank_registries.export_reconciliation(rt.uow(), STAFF, registry_id=got.registry_id)
    print(f"  reconciliation.xlsx: {len(xlsx) / 2**20:.1f} MiB in {time.perf_counter() - started:.1f}s")
    print(f"  load average (1 min) before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; "
          f"{os.cpu_count()} CPUs")
    rt.engine.dispose()


if __name__ == "__main__":
    main()
