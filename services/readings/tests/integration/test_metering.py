"""The АИИС КУЭ feed against real PostgreSQL: hourly values COPYed and stored once per meter and hour (a re-sent
batch is all duplicates, another value for a stored hour a conflict that changes nothing), register values as
readings with source "automatic" announced for payments, meters found by the supplier and their number."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kit.context import Caller
from kit.outbox import outbox
from services.readings.adapters.orm import hourly_values, readings
from services.readings.domain.metering import Item
from services.readings.domain.model import AccountFacts, Meter
from services.readings.service_layer import metering

pytestmark = pytest.mark.integration
SUPPLIER = str(uuid.uuid4())
PARTNER = Caller(user_id=str(uuid.uuid4()), kind="partner", roles=("metering", f"supplier:{SUPPLIER}"))
ADMIN = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("admin",))
NOW = dt.datetime(2026, 12, 4, 1, 30, tzinfo=dt.UTC)
ONE = Meter(str(uuid.uuid4()), zones=1, digits=6, number="00-1234567")
TWO = Meter(str(uuid.uuid4()), zones=2, digits=6, number="7654321")
PLAIN = Meter(str(uuid.uuid4()), zones=1, digits=6, number="5555555")
AUTO = AccountFacts(str(uuid.uuid4()), SUPPLIER, "urban_gas_stove", automatic_metering=True, meters=(ONE, TWO))
CUSTOMER = AccountFacts(str(uuid.uuid4()), SUPPLIER, "urban_gas_stove", automatic_metering=False, meters=(PLAIN,))


@pytest.fixture
def rt(rt):
    """The runtime with an АИИС КУЭ account and a customer's account projected."""
    with rt.uow() as uow:
        for facts in (AUTO, CUSTOMER):
            uow.accounts.put_facts(facts, NOW)
        uow.commit()
    return rt


def hours(number: str, count: int, kwh: str = "1.2345678", start: int = 0) -> list[Item]:
    first = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    return [Item(index=start + i, meter_number=number, at=(first + dt.timedelta(hours=i)).isoformat(), kind="hourly",
                 kwh=kwh) for i in range(count)]


def ingest(rt, items):
    return metering.ingest(rt.uow, None, PARTNER, supplier_id="", items=items, now=NOW)


def count(rt, table) -> int:
    with rt.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_hourly_values_are_stored_once_per_meter_and_hour(rt):
    batch = hours("1234567", 72)  # printed "00-1234567": dashes and leading zeros do not matter
    first = ingest(rt, batch)
    assert (first.received, first.accepted, first.duplicates, first.rejected) == (72, 72, 0, 0)
    with rt.engine.connect() as conn:
        row = conn.execute(select(hourly_values).order_by(hourly_values.c.hour_start)).first()
    assert (row.meter_id, row.account_id, row.kwh, row.source) == (ONE.meter_id, AUTO.account_id,
                                                                   Decimal("1.2345678"), "automatic")
    assert row.hour_start == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)

    again = ingest(rt, batch)
    assert (again.accepted, again.duplicates, again.rejected) == (0, 72, 0)
    assert count(rt, hourly_values) == 72

    changed = ingest(rt, hours("1234567", 2, kwh="9") + hours("1234567", 3, start=2)[2:])
    assert (changed.accepted, changed.duplicates) == (0, 1)
    assert [(p.index, p.code) for p in changed.problems] == [(0, "value_conflict"), (1, "value_conflict")]
    assert "сохранено 1.2345678" in changed.problems[0].message
    with rt.engine.connect() as conn:
        assert conn.execute(select(func.sum(hourly_values.c.kwh))).scalar() == Decimal("1.2345678") * 72


def test_bad_items_are_reported_and_the_good_ones_stored(rt):
    batch = [*hours("7654321", 2),
             Item(2, "5555555", "2026-12-01T00:00:00Z", "hourly", "1"),    # an account without АИИС КУЭ
             Item(3, "0000000", "2026-12-01T00:00:00Z", "hourly", "1"),    # unknown
             Item(4, "7654321", "2026-12-01T00:30:00Z", "hourly", "1"),
             Item(5, "7654321", "2026-12-01T05:00:00Z", "hourly", "1,12345678"),
             Item(6, "7654321", "2026-12-01T00:00:00Z", "hourly", "1.2345678")]  # twice in the batch
    report = ingest(rt, batch)
    assert (report.accepted, report.duplicates) == (2, 1)
    assert [(p.index, p.code) for p in report.problems] == [
        (2, "not_automatic_metering"), (3, "meter_not_found"), (4, "invalid_time"), (5, "invalid_value")]
    assert count(rt, hourly_values) == 2


def test_register_values_are_automatic_readings_announced_once(rt):
    dec = Item(0, "7654321", "2026-12-01T00:00:00+03:00", "register", zones={"day": "1000.5", "night": "200"})
    nov = Item(1, "7654321", "2026-11-01T00:00:00+03:00", "register", zones={"day": "900", "night": "150"})
    report = ingest(rt, [dec, nov])  # stored oldest first
    assert (report.accepted, report.rejected) == (2, 0)
    with rt.engine.connect() as conn:
        rows = conn.execute(select(readings).order_by(readings.c.taken_at)).mappings().all()
    assert [(r["source"], r["status"], r["values"], r["consumption"]) for r in rows] == [
        ("automatic", "accepted", {"day": "900.000", "night": "150.000"}, {"day": "0.000", "night": "0.000"}),
        ("automatic", "accepted", {"day": "1000.500", "night": "200.000"}, {"day": "100.500", "night": "50.000"})]
    assert rows[1]["period"] == dt.date(2026, 12, 1) and rows[1]["submitted_by"] is None
    assert count(rt, outbox) == 2  # readings.reading.accepted: payments charges them

    again = ingest(rt, [dec, nov])
    assert (again.accepted, again.duplicates, again.rejected) == (0, 2, 0)
    other = ingest(rt, [Item(0, "7654321", dec.at, "register", zones={"day": "1001", "night": "200"}),
                        Item(1, "7654321", "2026-10-01T00:00:00+03:00", "register", zones={"day": "1", "night": "1"}),
                        Item(2, "7654321", "2026-12-02T00:00:00+03:00", "register", zones={"day": "1", "night": "1"})])
    assert [(p.index, p.code) for p in other.problems] == [
        (0, "value_conflict"), (1, "reading_not_latest"), (2, "reading_below_previous")]
    assert count(rt, readings) == 2 and count(rt, outbox) == 2


def test_staff_import_the_same_values_from_a_file_audited(rt):
    content = (b"meter_number;at;kind;kwh;total;day;night\n"
               b"1234567;2026-12-01T00:00:00Z;hourly;0,5;;;\n"
               b"1234567;2026-12-01T00:15:00Z;hourly;0,5;;;\n"
               b"7654321;2026-12-01T00:00:00+03:00;register;;;10;20\n")
    report = metering.import_file(rt.uow, None, ADMIN, supplier_id=SUPPLIER, content=content, now=NOW)
    assert (report.received, report.accepted, report.rejected) == (3, 2, 1)
    assert (report.problems[0].index, report.problems[0].code) == (3, "invalid_time")
    with rt.uow() as uow:
        assert uow.session.execute(select(func.count()).select_from(uow.audit.table)).scalar() == 1


def test_a_batch_re_sent_while_the_first_is_storing_stores_its_register_values_once(rt):
    from concurrent.futures import ThreadPoolExecutor

    batch = [Item(0, "7654321", "2026-12-01T00:00:00+03:00", "register", zones={"day": "10", "night": "20"})]
    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(lambda _: ingest(rt, batch), range(4)))
    assert sorted((r.accepted, r.duplicates) for r in reports) == [(0, 1), (0, 1), (0, 1), (1, 0)]
    assert count(rt, readings) == 1
