"""The registry's readings.csv against real PostgreSQL: each meter's last reading stored once with source
"registry" (no event), an older one reported, values checked by the meter's zones and digits."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kit.context import Caller
from kit.errors import Forbidden
from kit.outbox import outbox
from services.readings.adapters.orm import readings
from services.readings.domain.model import Meter
from services.readings.service_layer.registry import AccountMeters, import_readings

pytestmark = pytest.mark.integration
ADMIN = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("admin",))
ONE, TWO = Meter(str(uuid.uuid4()), zones=1, digits=5), Meter(str(uuid.uuid4()), zones=2, digits=6)
KNOWN = {"12-10000001": AccountMeters(str(uuid.uuid4()), {"01234567": ONE}),
         "12-10000002": AccountMeters(str(uuid.uuid4()), {"23456789": TWO})}


def resolve(code: str, numbers: list[str]) -> dict[str, AccountMeters]:
    return {n: KNOWN[n] for n in numbers if n in KNOWN} if code == "012" else {}


HEADER = "supplier_code;account_number;meter_number;taken_at;total;day;night;peak;semi_peak\n"
FILE = HEADER + (
    "012;12-10000001;01234567;2026-10-20;10450,5;;;;\n"
    "012;12-10000002;23456789;2026-10-20T12:00:00+03:00;;8210.500;3120.250;;\n"
    "012;12-10000002;99999999;2026-10-20;;1;2;;\n"
    "012;12-99999999;01234567;2026-10-20;1;;;;\n"
    "013;12-10000001;01234567;2026-10-20;1;;;;\n"
    "012;12-10000001;01234567;2026-10-21;1;;;;\n"
    "012;12-10000002;23456789;2026-10-21;;1;;;\n"
)


def stored(rt) -> list[tuple]:
    with rt.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(readings.c.meter_id, readings.c["values"], readings.c.taken_at, readings.c.source)
            .order_by(readings.c.taken_at, readings.c.meter_id))]


def test_last_readings_are_stored_once_and_an_older_one_is_reported(rt):
    report = import_readings(rt.uow(), ADMIN, resolve, FILE.encode())
    assert (report.rows, report.inserted, report.unchanged) == (7, 2, 0)
    reasons = {r.line: r.reason for r in report.rejected}
    assert set(reasons) == {4, 5, 6, 7, 8}
    assert "Счётчик 99999999" in reasons[4] and "не найден" in reasons[5] and "не найден" in reasons[6]
    assert "Повтор" in reasons[7] and "Повтор" in reasons[8]
    assert stored(rt) == [
        (ONE.meter_id, {"total": "10450.500"}, dt.datetime(2026, 10, 20, tzinfo=dt.UTC), "registry"),
        (TWO.meter_id, {"day": "8210.500", "night": "3120.250"}, dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC),
         "registry")]
    with rt.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(outbox)).scalar() == 0  # nothing to charge

    again = import_readings(rt.uow(), ADMIN, resolve, FILE.encode())
    assert (again.inserted, again.unchanged) == (0, 2)

    newer = HEADER + ("012;12-10000001;01234567;2026-11-20;10500;;;;\n"
                      "012;12-10000002;23456789;2026-09-01;;1;1;;\n")
    report = import_readings(rt.uow(), ADMIN, resolve, newer.encode())
    assert report.inserted == 1 and [r.line for r in report.rejected] == [3]
    assert "не раньше" in report.rejected[0].reason
    latest = stored(rt)[-1]
    assert latest[1] == {"total": "10500.000"}
    with rt.engine.connect() as conn:
        consumption = conn.execute(select(readings.c.consumption).where(readings.c.meter_id == ONE.meter_id)
                                   .order_by(readings.c.taken_at.desc())).first()[0]
    assert Decimal(consumption["total"]) == Decimal("49.500")
    # the first file again, with a later reading on the meter since: still the same reading, unchanged
    replay = import_readings(rt.uow(), ADMIN, resolve, FILE.encode())
    assert (replay.inserted, replay.unchanged, len(replay.rejected)) == (0, 2, 5)


def test_values_must_fit_the_meter_and_only_an_admin_imports(rt):
    bad = HEADER + ("012;12-10000001;01234567;2026-10-20;123456;;;;\n"
                    "012;12-10000002;23456789;2026-10-20;5;;;;\n"
                    "012;12-10000001;01234567;вчера;5;;;;\n")
    report = import_readings(rt.uow(), ADMIN, resolve, bad.encode())
    reasons = {r.line: r.reason for r in report.rejected}
    assert "5 цифр" in reasons[2] and "total: нет такой зоны" in reasons[3] and "дата" in reasons[4]
    with pytest.raises(Forbidden):
        import_readings(rt.uow(), Caller(user_id=ADMIN.user_id, kind="staff", roles=("operator",)), resolve,
                        FILE.encode())
