"""The billing run against real PostgreSQL: the SQL agrees with the rules of domain/billing.py account by
account; a rerun changes nothing; a run killed (-9) mid-way resumes and issues every charge and invoice
once; concurrent runs number invoices without gaps; a late correction becomes an adjustment of the next
period; staff roles, the test clock and the open period."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from kit.context import Caller
from kit.errors import Forbidden, InvalidInput, Rejected
from kit.migrations import upgrade
from kit.settings import ServiceConfig, load
from services.payments import bootstrap
from services.payments.domain import billing as rules
from services.payments.domain.model import AcceptedReading, Tariff
from services.payments.domain.tariffs import CustomerCategory
from services.payments.service_layer import billing, charging

pytestmark = pytest.mark.integration

ADMIN = Caller(user_id="a0000000-0000-0000-0000-0000000000a1", kind="staff", roles=("admin",))
OPERATOR = Caller(user_id="a0000000-0000-0000-0000-0000000000a2", kind="staff", roles=("operator",))
NOV = dt.date(2026, 11, 1)
DEC = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)


class World:
    """One supplier of its own on the test database, with tariffs, accounts, readings, history and norms."""

    def __init__(self, rt, *, due_day: int | None = None) -> None:
        self.rt = rt
        self.supplier_id = str(uuid.uuid4())
        self.tariffs: list[Tariff] = []
        self.sql("INSERT INTO suppliers (supplier_id, name, inn, kpp, bank_name, bic, settlement_account, "
                 "correspondent_account, timezone, payment_due_day, as_of) VALUES (:s, 'ООО Энергосбыт', "
                 "'7801234567', '780101001', 'Банк', '044030001', '40702810000000000001', "
                 "'30101810000000000001', 'Europe/Moscow', :d, now())", s=self.supplier_id, d=due_day)

    def sql(self, statement: str, **params):
        with self.rt.engine.begin() as conn:
            return conn.execute(text(statement), params).all() if "RETURNING" in statement or \
                statement.lstrip().upper().startswith("SELECT") else conn.execute(text(statement), params)

    def tariff(self, category: str, valid_from: dt.date, prices: dict) -> Tariff:
        tariff = Tariff(tariff_id=str(uuid.uuid4()), supplier_id=self.supplier_id, category=category,
                        valid_from=valid_from, prices={k: {z: Decimal(p) for z, p in v.items()} for k, v in prices.items()})
        with self.rt.uow() as uow:
            uow.tariffs.put(tariff)
            uow.commit()
        self.tariffs.append(tariff)
        return tariff

    def account(self, category: str = "urban_gas_stove", residents: int | None = 2) -> str:
        account_id = str(uuid.uuid4())
        self.sql("INSERT INTO account_facts (account_id, supplier_id, category, meter_zones, residents, as_of) "
                 "VALUES (:a, :s, :c, '[1]', :r, now())", a=account_id, s=self.supplier_id, c=category, r=residents)
        return account_id

    def accounts(self, n: int, residents: int = 1) -> list[str]:
        ids = sorted(str(uuid.uuid4()) for _ in range(n))
        with self.rt.engine.begin() as conn:
            conn.execute(text("INSERT INTO account_facts (account_id, supplier_id, category, meter_zones, residents, "
                              "as_of) VALUES (:a, :s, 'urban_gas_stove', '[1]', :r, now())"),
                         [dict(a=a, s=self.supplier_id, r=residents) for a in ids])
        return ids

    def reading(self, account_id: str, taken_at: dt.datetime, category: str = "urban_gas_stove", **kwh):
        reading = AcceptedReading(reading_id=str(uuid.uuid4()), account_id=account_id, supplier_id=self.supplier_id,
                                  category=category, consumption={z: Decimal(v) for z, v in kwh.items()},
                                  ratio=Decimal(1), taken_at=taken_at)
        with self.rt.uow() as uow:
            charge = charging.post_preliminary_charge(uow, reading, now=NOW)
            uow.commit()
        return charge

    def final(self, account_id: str, period: dt.date, basis: str, **kwh) -> None:
        """A final charge of an earlier period (history), one-zone unless the zones say otherwise."""
        charge_id = str(uuid.uuid4())
        self.sql("INSERT INTO charges (charge_id, account_id, kind, amount_kop, posted_at, period, basis) "
                 "VALUES (:c, :a, 'final', 0, now(), :p, :b)", c=charge_id, a=account_id, p=period, b=basis)
        for i, (zone, value) in enumerate(kwh.items()):
            self.sql("INSERT INTO charge_lines (charge_id, position, zone, consumption, ratio, price_rub, amount_kop, "
                     "zones) VALUES (:c, :i, :z, :k, 1, 1, 0, :n)", c=charge_id, i=i, z=zone, k=Decimal(value),
                     n=len(kwh))

    def norm(self, category: str, residents: int, valid_from: dt.date, kwh: str) -> None:
        self.sql("INSERT INTO consumption_norms (supplier_id, category, residents, valid_from, kwh_per_month) "
                 "VALUES (:s, :c, :r, :v, :k)", s=self.supplier_id, c=category, r=residents, v=valid_from, k=kwh)

    def run(self, period: dt.date, as_of: dt.date | None = None, staff: Caller = ADMIN):
        return billing.start_run(self.rt.uow, staff, supplier_id=self.supplier_id, period=rules.period_text(period),
                                 as_of=(as_of or rules.next_period(period)).isoformat(), now=NOW, test_clock=True)

    def finals(self, period: dt.date) -> dict[str, dict]:
        rows = self.sql("SELECT c.account_id, c.basis, c.amount_kop, c.charge_id FROM charges c JOIN account_facts f "
                        "USING (account_id) WHERE f.supplier_id = :s AND c.kind = 'final' AND c.period = :p",
                        s=self.supplier_id, p=period)
        found = {}
        for account_id, basis, amount, charge_id in rows:
            lines = self.sql("SELECT zones, zone, tariff_id, days, consumption, price_rub, amount_kop FROM charge_lines "
                             "WHERE charge_id = :c ORDER BY position", c=charge_id)
            found[str(account_id)] = {"basis": basis, "amount_kop": amount, "lines": [
                (z, zone, str(t), d, Decimal(k), Decimal(p), a) for z, zone, t, d, k, p, a in lines]}
        return found

    def invoice_numbers(self) -> list[int]:
        return [n for (n,) in self.sql("SELECT number FROM invoices WHERE supplier_id = :s ORDER BY number",
                                       s=self.supplier_id)]


def taken(day: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, tzinfo=dt.UTC)


@pytest.fixture
def rt(database_url_factory, nats_url):
    """A payments runtime on a fresh migrated database with the customer categories (no demo data: each test
    makes a supplier of its own)."""
    url = database_url_factory("billing")
    upgrade(url, Path(bootstrap.__file__).parent / "migrations")
    runtime = bootstrap.SERVICE.runtime(load(ServiceConfig, profile="test", database_url=url, nats_url=nats_url))
    with runtime.uow() as uow:
        for code in ("urban_gas_stove", "urban_electric_stove", "rural"):
            uow.categories.put_missing(CustomerCategory(code, code))
        uow.commit()
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def world(rt):
    w = World(rt)
    w.tariff("urban_gas_stove", dt.date(2026, 1, 1), {1: {"total": "6.00"}, 2: {"day": "7.00", "night": "3.50"}})
    w.tariff("urban_gas_stove", dt.date(2026, 11, 16), {1: {"total": "6.60"}, 2: {"day": "7.70", "night": "3.85"}})
    w.tariff("urban_electric_stove", dt.date(2026, 1, 1), {1: {"total": "4.20"}})
    w.norm("urban_gas_stove", 2, dt.date(2026, 1, 1), "50")
    w.norm("urban_gas_stove", 3, dt.date(2026, 1, 1), "45.5")
    w.norm("rural", 1, dt.date(2026, 1, 1), "70")
    return w


def test_the_run_bills_by_the_rules_and_the_sql_agrees_with_the_domain(world):
    w = world
    by_readings = w.account()
    w.reading(by_readings, taken(5), total="100")
    w.reading(by_readings, taken(20), total="23.456")
    two_zones = w.account()
    w.reading(two_zones, taken(18), day="200", night="101")
    average = w.account()
    for i, kwh in enumerate(["100", "110", "120", "130", "140", "150"]):
        w.final(average, rules.add_months(NOV, -6 + i), "readings", total=kwh)
    third_average = w.account()
    for i in range(6):
        w.final(third_average, rules.add_months(NOV, -9 + i), "readings", total="90")
    for i in range(3):
        w.final(third_average, rules.add_months(NOV, -3 + i), "average", total="90")
    norm = w.account(residents=3)
    nothing = w.account(residents=None)
    unpriced = w.account("urban_electric_stove")
    w.reading(unpriced, taken(10), "urban_electric_stove", total="10")  # priced when taken: one-zone exists
    w.sql("DELETE FROM tariff_prices WHERE tariff_id = :t", t=w.tariffs[2].tariff_id)
    w.sql("INSERT INTO tariff_prices VALUES (:t, 2, 'day', 5), (:t, 2, 'night', 2)", t=w.tariffs[2].tariff_id)
    no_tariff = w.account("rural", residents=1)

    run = w.run(NOV)

    assert (run.status, run.accounts_total, run.accounts_done) == ("done", 8, 8)
    assert (run.accounts_billed, run.by_readings, run.by_average, run.by_norm) == (5, 2, 1, 2)
    assert sorted((a, r) for a, r, _ in run.skipped) == sorted([
        (nothing, "no_basis"), (unpriced, "tariff_zones_missing"), (no_tariff, "tariff_not_found")])
    finals = w.finals(NOV)
    assert finals[by_readings]["amount_kop"] == 37037 + 40740  # see test_billing_rules: 123.456 kWh, 15 + 15 days
    assert finals[two_zones]["amount_kop"] == 70000 + 77000 + 17675 + 19443
    assert finals[average]["amount_kop"] == 37500 + 41250  # the average of 100..150 = 125 kWh
    assert finals[third_average]["basis"] == "norm"  # 3 averages in a row: the norm, 2 × 50 kWh
    assert finals[third_average]["amount_kop"] == 30000 + 33000
    assert finals[norm]["basis"] == "norm"
    assert run.charged_kop == sum(f["amount_kop"] for f in finals.values())

    # the SQL and the reference agree, line by line
    history = {a: [rules.PastCharge(p, b, {(z, zone): k for z, zone, *_, k, _p, _a in lines})
                   for p, b, lines in _history(w, a)] for a in finals}
    usage = {by_readings: {(1, "total"): Decimal("123.456")}, two_zones: {(2, "day"): Decimal(200),
                                                                          (2, "night"): Decimal(101)}}
    norms = {2: Decimal(50), 3: Decimal("45.5")}
    for account_id, found in finals.items():
        residents = 3 if account_id == norm else 2
        expected = rules.bill_account(rules.AccountToBill(
            account_id, "urban_gas_stove", residents, usage.get(account_id, {}), history[account_id],
            norms[residents]), NOV, w.tariffs)
        assert found["basis"] == expected.basis
        assert found["amount_kop"] == expected.amount_kop
        assert found["lines"] == [(line.zones, line.zone, line.tariff_id, line.days, line.consumption, line.price_rub,
                                   line.amount_kop) for line in expected.lines]

    # the preliminary entries are reversed; the ledger of the period adds up to the final charge
    [(net,)] = w.sql("SELECT sum(amount_kop) FROM ledger WHERE account_id = :a AND period = :p",
                     a=by_readings, p=NOV)
    assert net == -(37037 + 40740)
    # one invoice per billed account, numbered 1..5, due on the 10th of December
    assert w.invoice_numbers() == [1, 2, 3, 4, 5]
    [(due, charged, closing)] = w.sql("SELECT due_on, charged_kop, closing_kop FROM invoices WHERE account_id = :a",
                                      a=by_readings)
    assert (due, charged, closing) == (dt.date(2026, 12, 10), 77777, -77777)
    [(events,)] = w.sql("SELECT count(*) FROM outbox WHERE subject = 'payments.invoice.issued' AND aggregate_id = "
                        "ANY(:a)", a=list(finals))
    assert events == 5


def _history(w, account_id):
    rows = w.sql("SELECT period, basis, charge_id FROM charges WHERE account_id = :a AND kind = 'final' "
                 "AND period < :p ORDER BY period", a=account_id, p=NOV)
    return [(p, b, w.sql("SELECT zones, zone, tariff_id, days, consumption, price_rub, amount_kop FROM charge_lines "
                         "WHERE charge_id = :c", c=c)) for p, b, c in rows]


def test_a_second_start_returns_the_finished_run_and_bills_nothing_again(world):
    w = world
    a = w.account()
    w.reading(a, taken(7), total="10")
    first = w.run(NOV)
    again = w.run(NOV)
    assert again.run_id == first.run_id and again.status == "done"
    assert billing.execute(w.rt.uow, first.run_id).accounts_billed == 1
    assert len(w.finals(NOV)) == 1 and w.invoice_numbers() == [1]
    [(entries,)] = w.sql("SELECT count(*) FROM ledger WHERE account_id = :a", a=a)
    assert entries == 3  # the preliminary, its reversal, the final


def test_a_late_correction_is_an_adjustment_of_the_next_period(world):
    w = world
    a = w.account()
    w.reading(a, taken(10), total="100")
    w.run(NOV)
    nov = w.finals(NOV)[a]

    late = w.reading(a, taken(25), total="20")  # taken in November, arrives after November was billed

    assert (late.kind, late.period) == ("adjustment", DEC)
    assert w.finals(NOV)[a] == nov  # the billed period is not edited
    [(kind, period, amount)] = w.sql("SELECT kind, period, amount_kop FROM ledger WHERE charge_id = :c",
                                     c=late.charge_id)
    assert (kind, period, amount) == ("adjustment", DEC, -20 * 660)  # 20 kWh at the tariff of 25 November
    w.reading(a, taken(5, 12), total="50")
    w.run(DEC)
    [(charged,)] = w.sql("SELECT charged_kop FROM invoices WHERE account_id = :a AND period = :p", a=a, p=DEC)
    assert charged == 50 * 660 + 20 * 660  # December's final charge and the adjustment


def test_staff_roles_the_open_period_and_the_inputs(world):
    w = world
    with pytest.raises(Forbidden):
        w.run(NOV, staff=OPERATOR)
    with pytest.raises(Rejected) as open_period:
        w.run(NOV, as_of=dt.date(2026, 11, 30))
    assert open_period.value.code == "period_open"
    with pytest.raises(InvalidInput) as bad:
        billing.start_run(w.rt.uow, ADMIN, supplier_id="x", period="2026-13", as_of="soon", now=NOW)
    assert set(bad.value.fields) == {"supplier_id", "period", "as_of"}
    run = w.run(NOV)
    assert billing.get_run(w.rt.uow, OPERATOR, run.run_id).status == "done"
    assert [r.run_id for r in billing.list_runs(w.rt.uow, OPERATOR, supplier_id=w.supplier_id)] == [run.run_id]
    [(audited,)] = w.sql("SELECT count(*) FROM audit_log WHERE entity = 'billing_run' AND entity_id = :r",
                         r=run.run_id)
    assert audited >= 2


def test_two_concurrent_runs_number_invoices_without_gaps(world):
    w = world
    w.accounts(40, residents=2)
    with w.rt.uow() as uow:
        runs = [uow.billing.create(supplier_id=w.supplier_id, period=p, as_of=DEC, started_by="test")
                for p in (dt.date(2026, 10, 1), NOV)]
        uow.commit()
    threads = [threading.Thread(target=billing.execute, args=(w.rt.uow, r.run_id), kwargs={"chunk": 7})
               for r in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert w.invoice_numbers() == list(range(1, 81))
    [(per_account,)] = w.sql("SELECT max(n) FROM (SELECT count(*) n FROM invoices WHERE supplier_id = :s "
                             "GROUP BY account_id, period) x", s=w.supplier_id)
    assert per_account == 1


CHILD = """
import sys, time
from kit.settings import ServiceConfig, load
from services.payments import bootstrap
from services.payments.service_layer import billing
rt = bootstrap.SERVICE.runtime(load(ServiceConfig, profile="test", database_url=sys.argv[1], nats_url=sys.argv[2]))
billing.execute(rt.uow, sys.argv[3], chunk=4, on_chunk=lambda seconds: time.sleep(0.4))
"""


def test_a_run_killed_mid_way_resumes_and_issues_each_invoice_once(world, nats_url):
    w = world
    ids = w.accounts(30, residents=2)
    for a in ids[:10]:
        w.reading(a, taken(12), total="33.3")
    with w.rt.uow() as uow:
        run = uow.billing.create(supplier_id=w.supplier_id, period=NOV, as_of=DEC, started_by="test")
        uow.commit()
    child = subprocess.Popen([sys.executable, "-c", CHILD, w.rt.config.database_url, nats_url, run.run_id],
                             env=os.environ | {"KABINET_LOG_LEVEL": "WARNING"})
    deadline = time.monotonic() + 60
    while _done(w, run.run_id) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)  # kill -9: mid-run, maybe mid-chunk
    child.wait()
    assert 8 <= _done(w, run.run_id) < 30

    for _ in range(100):  # the server notices the dead client and frees its ownership lock
        finished = billing.execute(w.rt.uow, run.run_id)
        if finished is not None:
            break
        time.sleep(0.1)
    assert finished.status == "done"
    assert (finished.accounts_done, finished.accounts_billed, finished.invoices) == (30, 30, 30)
    assert w.invoice_numbers() == list(range(1, 31))
    assert len(w.finals(NOV)) == 30
    [(reversals,)] = w.sql("SELECT count(*) FROM ledger WHERE run_id = :r AND reverses IS NOT NULL", r=run.run_id)
    assert reversals == 10
    [(events,)] = w.sql("SELECT count(*) FROM outbox WHERE subject = 'payments.invoice.issued' AND aggregate_id = "
                        "ANY(:a)", a=ids)
    assert events == 30


def _done(w, run_id) -> int:
    [(done,)] = w.sql("SELECT accounts_done FROM billing_runs WHERE run_id = :r", r=run_id)
    return done


def test_an_orphaned_run_is_resumed_by_the_schedule_and_the_schedule_starts_due_runs(world):
    w = world
    w.accounts(3, residents=2)
    with w.rt.uow() as uow:
        left = uow.billing.create(supplier_id=w.supplier_id, period=dt.date(2026, 10, 1), as_of=NOV, started_by="x")
        uow.commit()
    assert left.run_id in billing.resume_orphans(w.rt.uow)
    started = billing.start_due_runs(w.rt.uow, now=NOW)  # 3 December: November is due for every supplier
    runs = {r.period: r for r in billing.list_runs(w.rt.uow, ADMIN, supplier_id=w.supplier_id)}
    assert runs[NOV].run_id in started and runs[NOV].status == "done"
    assert billing.start_due_runs(w.rt.uow, now=NOW) == []
    assert json.dumps(w.invoice_numbers()) == json.dumps(list(range(1, 7)))


def test_a_fetchs_readings_are_charged_together_as_they_would_be_one_by_one(world, rt):
    """The consumer's batch (charging.post_preliminary_charges): one charge per fresh reading in the readings'
    order, none for a reading charged already or listed twice, and each event's balance the one right after
    its charge even when two readings of one account are charged together."""
    from kit.events import decode

    a, b = world.accounts(2)
    taken = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)

    def reading(account_id, kwh):
        return AcceptedReading(reading_id=str(uuid.uuid4()), account_id=account_id, supplier_id=world.supplier_id,
                               category="urban_gas_stove", consumption={"total": Decimal(kwh)}, ratio=Decimal(1),
                               taken_at=taken)

    earlier, first, second, third = reading(a, "10"), reading(a, "20"), reading(b, "4"), reading(a, "2")
    with rt.uow() as uow:
        charging.post_preliminary_charges(uow, [earlier], now=NOW)
        uow.commit()
    with rt.uow() as uow:
        posted = charging.post_preliminary_charges(uow, [first, earlier, second, first, third], now=NOW)
        uow.commit()
    assert [(c.reading_id, c.amount_kop) for c in posted] == [
        (first.reading_id, 13200), (second.reading_id, 2640), (third.reading_id, 1320)]  # 6.60 ₽/kWh
    rows = world.sql("SELECT envelope FROM outbox WHERE subject = 'payments.charge.posted' "
                     "AND aggregate_id IN (:a, :b) ORDER BY seq", a=a, b=b)
    told = [(e.payload.reading_id, e.payload.balance_kop) for e in (decode(bytes(r.envelope)) for r in rows)]
    assert told == [(earlier.reading_id, -6600), (first.reading_id, -19800), (second.reading_id, -2640),
                    (third.reading_id, -21120)]
    assert world.sql("SELECT count(*) FROM ledger WHERE account_id IN (:a, :b)", a=a, b=b)[0][0] == 4


def test_an_invoice_reads_a_meters_readings_in_the_order_they_were_taken_when_charged_together(world, rt):
    """Readings of one meter charged in one consumer batch share their posting time: the invoice's readings at
    the start and the end of the period follow the readings' own order (taken_at), whatever the charges' ids."""
    accounts = world.accounts(8)
    meters = {a: str(uuid.uuid4()) for a in accounts}
    first_at = dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC)

    def reading(account_id, kwh, value, taken_at):
        return AcceptedReading(reading_id=str(uuid.uuid4()), account_id=account_id, supplier_id=world.supplier_id,
                               category="urban_gas_stove", consumption={"total": Decimal(kwh)}, ratio=Decimal(1),
                               taken_at=taken_at, values={"total": Decimal(value)}, meter_id=meters[account_id])

    batch = [r for a in accounts for r in (reading(a, "0", "1000", first_at),
                                           reading(a, "150", "1150", first_at + dt.timedelta(minutes=1)))]
    with rt.uow() as uow:
        charging.post_preliminary_charges(uow, batch, now=NOW)
        uow.commit()
    with rt.uow() as uow:
        found = [uow.invoices.meter_readings(a, dt.date(2026, 12, 1)) for a in accounts]
    assert found == [{"total": (Decimal(1000), Decimal(1150))}] * len(accounts)
