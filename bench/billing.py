"""Benchmark: one billing run (закрытие периода) over a city-sized supplier.

    python -m bench.billing [--accounts 2000000] [--chunk 20000] [--data DIR]

Starts its own durable PostgreSQL (fsync on, like production) in a temporary directory, migrates a payments
database, generates a registry with tools.registry_generator and COPYs the accounts' facts from it, then
fills with set-based SQL: a tariff per category with a change on 16 November (the period is split by days),
norms, opening balances, a preliminary charge (with lines and its ledger entry) of November for 80% of the
accounts, and six months of final charges by readings for half of the others (they are billed by the
average; the rest by the norm). Then times one full billing run of November 2026 (`service_layer.billing.
execute`, the code the API and the worker run) and prints accounts/s, chunk latency percentiles and the
machine's load average.

With --data DIR the cluster and the prepared data (a template database) are kept there: the next run on
the same DIR only copies the template (seconds) and measures again.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from devstack.ports import scattered
from devstack.postgres import Postgres
from kit.migrations import upgrade
from kit.settings import ServiceConfig, load
from services.payments import bootstrap
from services.payments.service_layer import billing
from tools.registry_generator import generate

SUPPLIER = "5b0c1a7e-0000-4000-8000-00000000b111"
NS = uuid.UUID("0e5c7b4e-2a61-4f0c-9d7e-62656e636822")
PRICES = {  # category -> zones -> zone -> (until 15 November, from 16 November)
    "urban_gas_stove": {1: {"total": ("6.17", "6.54")}, 2: {"day": ("7.05", "7.47"), "night": ("3.12", "3.31")},
                        3: {"peak": ("7.40", "7.84"), "semi_peak": ("6.17", "6.54"), "night": ("3.12", "3.31")}},
    "urban_electric_stove": {1: {"total": ("4.32", "4.58")}, 2: {"day": ("4.94", "5.24"), "night": ("2.18", "2.31")},
                             3: {"peak": ("5.18", "5.49"), "semi_peak": ("4.32", "4.58"), "night": ("2.18", "2.31")}},
}


def fill(dsn: str, registry: Path, accounts: int) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO suppliers (supplier_id, name, inn, kpp, bank_name, bic, settlement_account, "
                     "correspondent_account, timezone, payment_due_day, as_of) VALUES (%s, 'АО «Бенчсбыт»', "
                     "'7801234567', '780101001', 'Банк', '044030001', '40702810000000000001', "
                     "'30101810000000000001', 'Europe/Moscow', 10, now())", (SUPPLIER,))
        for category, zones in PRICES.items():
            conn.execute("INSERT INTO customer_categories (code, title) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                         (category, category))
            for i, valid_from in enumerate(("2026-01-01", "2026-11-16")):
                tariff_id = str(uuid.uuid5(NS, f"{category}:{valid_from}"))
                conn.execute("INSERT INTO tariffs (tariff_id, supplier_id, category, valid_from) VALUES (%s, %s, %s, %s)",
                             (tariff_id, SUPPLIER, category, valid_from))
                for count, by_zone in zones.items():
                    for zone, prices in by_zone.items():
                        conn.execute("INSERT INTO tariff_prices VALUES (%s, %s, %s, %s)",
                                     (tariff_id, count, zone, prices[i]))
            for residents in range(1, 7):
                conn.execute("INSERT INTO consumption_norms (supplier_id, category, residents, valid_from, "
                             "kwh_per_month) VALUES (%s, %s, %s, '2026-01-01', %s)",
                             (SUPPLIER, category, residents, 120 - 10 * residents))
        started = time.perf_counter()
        with open(registry / "accounts.csv", encoding="utf-8") as fa, \
                open(registry / "meters.csv", encoding="utf-8") as fm, \
                conn.cursor().copy("COPY account_facts (account_id, supplier_id, category, meter_zones, residents, "
                                   "as_of, number, address, holder, bill_delivery, automatic_metering) "
                                   "FROM STDIN") as copy:
            accounts_csv, meters_csv = csv.DictReader(fa, delimiter=";"), csv.DictReader(fm, delimiter=";")
            for account, meter in zip(accounts_csv, meters_csv, strict=True):
                number = account["account_number"]
                copy.write_row((str(uuid.uuid5(NS, number)), SUPPLIER, account["category"], f"[{meter['zones']}]",
                                account["residents"], "2026-11-01T00:00:00+00", number, account["address"],
                                account["holder"], account["bill_delivery"], account["automatic_metering"] == "1"))
        print(f"  account_facts: {accounts} rows COPYed in {time.perf_counter() - started:.1f}s")
        steps = [
            ("opening balances", """
                INSERT INTO ledger (entry_id, account_id, kind, amount_kop, posted_at, bucket, external_id)
                SELECT uuidv7(), account_id, 'opening', (hashtext(account_id::text) % 300000),
                       '2026-10-01T00:00:00+03', 'energy', 'opening:' || account_id FROM account_facts"""),
            ("preliminary charges (80%)", """
                CREATE TABLE bench_prelim AS
                SELECT uuidv7() AS charge_id, f.account_id, f.category, (f.meter_zones->>0)::int AS zones,
                       t.tariff_id, 100 + abs(hashtext(f.account_id::text)) % 400 AS kwh
                FROM account_facts f JOIN tariffs t ON t.category = f.category AND t.valid_from = '2026-01-01'
                WHERE abs(hashtext(f.account_id::text || 'r')) % 100 < 80"""),
            ("preliminary lines", """
                CREATE TABLE bench_lines AS
                SELECT b.charge_id, z.pos, z.zone, round(b.kwh * z.share, 3) AS consumption, p.price_rub, b.zones
                FROM bench_prelim b
                JOIN (VALUES (1, 0, 'total', 1.0), (2, 0, 'day', 0.7), (2, 1, 'night', 0.3), (3, 0, 'peak', 0.2),
                             (3, 1, 'semi_peak', 0.5), (3, 2, 'night', 0.3)) z(zones, pos, zone, share)
                  ON z.zones = b.zones
                JOIN tariff_prices p ON p.tariff_id = b.tariff_id AND p.zones = b.zones AND p.zone = z.zone"""),
            ("", """
                INSERT INTO charges (charge_id, account_id, kind, reading_id, tariff_id, amount_kop, posted_at, period)
                SELECT b.charge_id, b.account_id, 'preliminary', gen_random_uuid(), b.tariff_id, l.amount_kop,
                       '2026-11-20T10:00:00+03', '2026-11-01'
                FROM bench_prelim b JOIN (SELECT charge_id, sum(round(consumption * price_rub * 100)) AS amount_kop
                                          FROM bench_lines GROUP BY charge_id) l USING (charge_id)"""),
            ("", """
                INSERT INTO charge_lines (charge_id, position, zone, consumption, ratio, price_rub, amount_kop, zones)
                SELECT charge_id, pos, zone, consumption, 1, price_rub, round(consumption * price_rub * 100), zones
                FROM bench_lines"""),
            ("", """
                INSERT INTO ledger (entry_id, account_id, kind, amount_kop, charge_id, posted_at, bucket, period, due_on)
                SELECT uuidv7(), account_id, 'charge', -amount_kop, charge_id, posted_at, 'energy', period,
                       '2026-12-10' FROM charges WHERE kind = 'preliminary'"""),
            ("six months of final charges for half of the others", """
                CREATE TABLE bench_hist AS
                SELECT uuidv7() AS charge_id, f.account_id, m.period, (f.meter_zones->>0)::int AS zones,
                       80 + abs(hashtext(f.account_id::text || m.period::text)) % 300 AS kwh
                FROM account_facts f
                CROSS JOIN (SELECT generate_series('2026-05-01'::date, '2026-10-01', '1 month')::date) m(period)
                WHERE abs(hashtext(f.account_id::text || 'r')) % 100 >= 90"""),
            ("", """
                INSERT INTO charges (charge_id, account_id, kind, amount_kop, posted_at, period, basis)
                SELECT charge_id, account_id, 'final', kwh * 600, period + interval '1 month 3 days', period,
                       'readings' FROM bench_hist"""),
            ("", """
                INSERT INTO charge_lines (charge_id, position, zone, consumption, ratio, price_rub, amount_kop, zones)
                SELECT h.charge_id, z.pos, z.zone, round(h.kwh * z.share, 3), 1, 6, round(h.kwh * z.share * 600),
                       h.zones
                FROM bench_hist h
                JOIN (VALUES (1, 0, 'total', 1.0), (2, 0, 'day', 0.7), (2, 1, 'night', 0.3), (3, 0, 'peak', 0.2),
                             (3, 1, 'semi_peak', 0.5), (3, 2, 'night', 0.3)) z(zones, pos, zone, share)
                  ON z.zones = h.zones"""),
            ("", "DROP TABLE bench_prelim, bench_lines, bench_hist"),
            ("vacuum analyze", "VACUUM ANALYZE"),
        ]
        for title, statement in steps:
            started = time.perf_counter()
            conn.execute(statement)
            print(f"  {title or statement.split()[0] + ' ' + statement.split()[2]}: "
                  f"{time.perf_counter() - started:.1f}s")


def percentiles(samples: list[float]) -> str:
    if len(samples) < 2:
        return f"{samples[0] * 1000:.0f} ms" if samples else "-"
    q = statistics.quantiles(samples, n=100)
    return f"p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, max {max(samples) * 1000:.0f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.billing", description=__doc__)
    parser.add_argument("--accounts", type=int, default=2_000_000)
    parser.add_argument("--chunk", type=int, default=billing.CHUNK)
    parser.add_argument("--data", type=Path, help="a directory to keep the cluster and the prepared data in; a "
                                                  "second run on it skips the preparation (kept afterwards)")
    args = parser.parse_args(argv)
    work = args.data or Path(tempfile.mkdtemp(prefix="kabinet-bench-billing-"))
    work.mkdir(parents=True, exist_ok=True)
    postgres = Postgres(work / "postgres", scattered(["postgres"])["postgres"], fast=False,
                        log_file=work / "postgres.log")
    template = f"bench_billing_{args.accounts}"
    try:
        postgres.start()
        admin = postgres.url("postgres").replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            prepared = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone()
        if not prepared:
            started = time.perf_counter()
            generate(work / "registry", args.accounts, prefix="61")
            print(f"registry of {args.accounts} accounts generated in {time.perf_counter() - started:.0f}s")
            postgres.ensure_database(f"{template}_filling")
            url = postgres.url(f"{template}_filling")
            upgrade(url, Path(bootstrap.__file__).parent / "migrations")
            started = time.perf_counter()
            fill(url.replace("postgresql+psycopg://", "postgresql://"), work / "registry", args.accounts)
            print(f"data ready in {time.perf_counter() - started:.0f}s")
            shutil.rmtree(work / "registry", ignore_errors=True)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'ALTER DATABASE "{template}_filling" RENAME TO "{template}"')
        database = f"bench_billing_run_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as conn:  # a copy of the prepared data for this run
            conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
        try:
            measure(postgres.url(database), args.chunk)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        postgres.stop()
        if args.data is None:
            shutil.rmtree(work, ignore_errors=True)


def measure(url: str, chunk: int) -> None:
    rt = bootstrap.SERVICE.runtime(load(ServiceConfig, profile="test", database_url=url,
                                        nats_url="nats://127.0.0.1:4222", log_level="WARNING"))
    with rt.uow() as uow:
        run = uow.billing.create(supplier_id=SUPPLIER, period=dt.date(2026, 11, 1), as_of=dt.date(2026, 12, 1),
                                 started_by="bench")
        uow.commit()
    chunks: list[float] = []
    load_before = os.getloadavg()
    started = time.perf_counter()
    done = billing.execute(rt.uow, run.run_id, chunk=chunk, on_chunk=chunks.append)
    took = time.perf_counter() - started
    load_after = os.getloadavg()
    print(f"billing run: {done.accounts_done} accounts in {took:.1f}s = {done.accounts_done / took:.0f} accounts/s "
          f"({len(chunks)} chunks of {chunk}: {percentiles(chunks)})")
    print(f"  billed {done.accounts_billed} (readings {done.by_readings}, average {done.by_average}, "
          f"norm {done.by_norm}), skipped {done.accounts_skipped}, invoices {done.invoices}, "
          f"charged {done.charged_kop / 100:,.2f} ₽")
    print(f"  load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}; {os.cpu_count()} CPUs")
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        low, high, count = conn.execute("SELECT min(number), max(number), count(*) FROM invoices").fetchone()
        print(f"  invoice numbers {low}..{high} ({count} invoices: "
              f"{'gapless' if high - low + 1 == count else 'GAPS'})")
    rt.engine.dispose()


if __name__ == "__main__":
    main()
