"""The readings.due scheduler on a real PostgreSQL: set-based, chunk by chunk, each reminder once per account,
period and kind with its event in the outbox — also when two runs race."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text

from services.readings.domain.model import AccountFacts, Meter, Reading
from services.readings.domain.windows import SupplierFacts
from services.readings.service_layer.due import plan_reminders

pytestmark = pytest.mark.integration
T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
OPEN_DAY = dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC)      # 12:00 in Moscow, the window 15–25 is open
CLOSING_DAY = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)   # two days before it closes
CLOSED_DAY = dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC)


def facts(supplier_id: str, automatic: bool = False) -> AccountFacts:
    return AccountFacts(str(uuid.uuid4()), supplier_id, "urban_gas_stove", automatic,
                        (Meter(str(uuid.uuid4()), zones=1, digits=6, ratio=Decimal(1), number="1"),))


@pytest.fixture
def registry(rt):
    """A supplier with a 15–25 window: 7 accounts due, one АИИС КУЭ, one with a reading of November, one with a
    reading of October only; another supplier whose window (1–5) is closed on these days."""
    windowed = SupplierFacts(str(uuid.uuid4()), window_from_day=15, window_to_day=25)
    closed = SupplierFacts(str(uuid.uuid4()), window_from_day=1, window_to_day=5)
    due = [facts(windowed.supplier_id) for _ in range(7)]
    automatic, november, october = facts(windowed.supplier_id, True), facts(windowed.supplier_id), \
        facts(windowed.supplier_id)
    elsewhere = [facts(closed.supplier_id) for _ in range(3)]
    with rt.uow() as uow:
        for supplier in (windowed, closed):
            uow.suppliers.put(supplier, T0)
        for f in [*due, automatic, november, october, *elsewhere]:
            uow.accounts.put_facts(f, T0)
        for f, period in ((november, dt.date(2026, 11, 1)), (october, dt.date(2026, 10, 1))):
            uow.readings.add(Reading(f.account_id, f.meters[0].meter_id, {"total": Decimal(1)},
                                     {"total": Decimal(0)}, T0, period=period, supplier_id=f.supplier_id))
        uow.commit()
    return {"due": {f.account_id for f in [*due, october]}, "supplier": windowed.supplier_id}


def notices(rt) -> list[tuple]:
    with rt.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT account_id::text, period, kind FROM readings_due_notices ORDER BY 1, 3"))]


def due_events(rt) -> list[str]:
    with rt.engine.connect() as conn:
        return list(conn.scalars(text("SELECT aggregate_id FROM outbox WHERE subject = 'readings.due'")))


def test_two_concurrent_runs_plan_each_account_once_with_one_event_each(rt, registry):
    results, barrier = [], threading.Barrier(2)

    def run():
        barrier.wait()
        results.append(plan_reminders(rt.uow, now=OPEN_DAY, closing_days=3, chunk=3))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.opened for r in results)[1] + sorted(r.opened for r in results)[0] == len(registry["due"])
    planned = notices(rt)
    assert {a for a, _, _ in planned} == registry["due"]
    assert {(p, k) for _, p, k in planned} == {(dt.date(2026, 11, 1), "opened")}
    assert sorted(due_events(rt)) == sorted(registry["due"])
    assert plan_reminders(rt.uow, now=OPEN_DAY + dt.timedelta(hours=1), closing_days=3).opened == 0


def test_closing_reminders_in_the_last_days_only_for_those_still_due_and_nothing_outside(rt, registry):
    plan_reminders(rt.uow, now=OPEN_DAY, closing_days=3)
    submitted = sorted(registry["due"])[0]
    with rt.uow() as uow:
        uow.readings.add(Reading(submitted, str(uuid.uuid4()), {"total": Decimal(2)}, {"total": Decimal(1)},
                                 OPEN_DAY, period=dt.date(2026, 11, 1), supplier_id=registry["supplier"]))
        uow.commit()
    counts = plan_reminders(rt.uow, now=CLOSING_DAY, closing_days=3)
    assert (counts.opened, counts.closing) == (0, len(registry["due"]) - 1)
    closing = {a for a, _, k in notices(rt) if k == "closing"}
    assert closing == registry["due"] - {submitted}
    assert plan_reminders(rt.uow, now=CLOSED_DAY, closing_days=3).closing == 0
    assert len(due_events(rt)) == 2 * len(registry["due"]) - 1


def test_the_event_says_the_period_kind_and_window(rt, registry):
    from kit.events import decode

    plan_reminders(rt.uow, now=OPEN_DAY, closing_days=3)
    with rt.engine.connect() as conn:
        envelope = conn.scalar(text("SELECT envelope FROM outbox WHERE subject = 'readings.due' LIMIT 1"))
    p = decode(bytes(envelope)).payload
    assert (p.supplier_id, p.period, p.kind, p.window_from, p.window_to) == (
        registry["supplier"], "2026-11", "opened", "2026-11-15", "2026-11-25")
    assert p.account_id in registry["due"]


def test_one_full_pass_a_day_and_staff_can_ask_for_another(rt, registry):
    plan_reminders(rt.uow, now=OPEN_DAY, closing_days=3)
    late = facts(registry["supplier"])
    with rt.uow() as uow:
        uow.accounts.put_facts(late, T0)
        uow.commit()
    assert plan_reminders(rt.uow, now=OPEN_DAY + dt.timedelta(hours=2), closing_days=3).opened == 0
    assert plan_reminders(rt.uow, now=OPEN_DAY + dt.timedelta(hours=2), closing_days=3, again_today=True).opened == 1
    assert plan_reminders(rt.uow, now=OPEN_DAY + dt.timedelta(days=1), closing_days=3).opened == 0
    assert {a for a, _, _ in notices(rt)} == registry["due"] | {late.account_id}


def test_the_flags_of_a_customers_accounts_come_from_one_projection_query(rt, registry):
    from kit.errors import NotFound
    from services.readings.service_layer.due import readings_due

    class Accounts:
        asked: list[str] = []

        def facts(self, account_id):
            self.asked.append(account_id)
            raise NotFound(code="account_not_found")

    user, mine = str(uuid.uuid4()), sorted(registry["due"])[:3]
    with rt.uow() as uow:
        for account_id in mine:
            uow.access.put(user, account_id, bound=True, as_of=T0)
        uow.commit()
    stranger, accounts = str(uuid.uuid4()), Accounts()
    states = readings_due(rt.uow(), accounts, user_id=user, account_ids=[*mine, stranger], now=OPEN_DAY)
    assert [(s.account_id, s.due, s.period) for s in states] == [(a, True, dt.date(2026, 11, 1)) for a in mine]
    assert accounts.asked == [stranger]
