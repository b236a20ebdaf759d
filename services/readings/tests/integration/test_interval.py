"""Interval profiles against PostgreSQL: stored in one row, one live per meter and month, the integral reading
first, «Дельта» from the readings, staff's acceptance writing hourly values the series by hour reads."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from kit.errors import Conflict, InvalidInput, NotFound, Rejected
from kit.outbox import outbox
from services.readings.adapters.interval_xlsx import template
from services.readings.adapters.orm import hourly_values, interval_profiles, readings
from services.readings.domain.interval_grid import days_in
from services.readings.domain.model import AccountFacts, Meter
from services.readings.domain.windows import SupplierFacts
from services.readings.service_layer import interval
from services.readings.service_layer.consumption import series

pytestmark = pytest.mark.integration
USER = str(uuid.uuid4())
NOV = dt.date(2026, 11, 1)
TZ = "Asia/Yekaterinburg"  # UTC+5, no summer time


class Accounts:
    def __init__(self, facts: AccountFacts) -> None:
        self.known = facts

    def facts(self, account_id: str) -> AccountFacts:
        if account_id != self.known.account_id:
            raise NotFound("Лицевой счёт не найден.", code="account_not_found")
        return self.known

    def find(self, number: str, supplier_id: str) -> str:
        if number != "78078078078000":
            raise NotFound(code="account_not_found")
        return self.known.account_id


class Staff:
    kind, user_id, roles = "staff", str(uuid.uuid4()), ("operator",)


class NoPayments:
    def charged_by_period(self, account_id, *, since):
        return {}


@pytest.fixture
def facts():
    return AccountFacts(account_id=str(uuid.uuid4()), supplier_id=str(uuid.uuid4()), category="legal",
                        automatic_metering=False, meters=(Meter(str(uuid.uuid4()), zones=3, digits=7,
                                                                ratio=Decimal(40), number="0123"),))


def filled(value) -> bytes:
    book = load_workbook(io.BytesIO(template(NOV, "0123")))
    for row in range(2, 26):
        for col in range(2, 2 + days_in(NOV)):
            book.active.cell(row, col, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def integral(rt, facts, kwh: str) -> None:
    with rt.engine.begin() as db:
        db.execute(insert(readings).values(
            reading_id=str(uuid.uuid4()), account_id=facts.account_id, meter_id=facts.meters[0].meter_id,
            values={"peak": "1"}, consumption={"peak": kwh}, taken_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
            source="cabinet", period=NOV, status="accepted", supplier_id=facts.supplier_id))
    with rt.uow() as uow:
        uow.suppliers.put(SupplierFacts(supplier_id=facts.supplier_id, timezone=TZ), dt.datetime.now(dt.UTC))
        uow.commit()


def submit(rt, facts, content, mode="plain"):
    return interval.submit(rt.uow(), Accounts(facts), user_id=USER, account_id=facts.account_id,
                           meter_id=facts.meters[0].meter_id, period="2026-11", mode=mode, content=content)


def test_the_integral_reading_first_then_one_row_announced(rt, facts):
    with pytest.raises(Rejected) as exc:
        submit(rt, facts, filled(1))
    assert exc.value.code == "integral_reading_required"
    integral(rt, facts, "750")
    shown = submit(rt, facts, filled(1))
    assert (shown.profile.total, shown.integral, shown.delta) == (Decimal(720), Decimal(750), Decimal(30))
    with rt.engine.connect() as db:
        assert db.execute(select(func.count()).select_from(interval_profiles)).scalar() == 1
        assert db.execute(select(func.count()).select_from(outbox).where(
            outbox.c.subject == "readings.interval.submitted")).scalar() == 1


def test_nothing_is_stored_from_a_file_with_errors(rt, facts):
    integral(rt, facts, "720")
    with pytest.raises(InvalidInput) as exc:
        submit(rt, facts, filled("x"))
    assert exc.value.fields["B2"] == "не число"
    with rt.engine.connect() as db:
        assert db.execute(select(func.count()).select_from(interval_profiles)).scalar() == 0


def test_one_live_profile_per_month_until_deleted(rt, facts):
    integral(rt, facts, "720")
    first = submit(rt, facts, filled(1))
    assert submit(rt, facts, filled(1)).profile.profile_id == first.profile.profile_id  # a retry
    with pytest.raises(Conflict):
        submit(rt, facts, filled(2))
    ids = dict(user_id=USER, account_id=facts.account_id, meter_id=facts.meters[0].meter_id)
    assert interval.delete_profile(rt.uow(), Accounts(facts), profile_id=first.profile.profile_id,
                                   **ids).profile.status == "deleted"
    second = submit(rt, facts, filled(2))
    listed = interval.list_profiles(rt.uow(), Accounts(facts), Accounts(facts), user_id=USER,
                                    contract="78078078078000")
    assert [s.profile.status for s in listed] == ["pending", "deleted"]
    assert listed[0].profile.values is None and listed[0].delta == Decimal(-720)
    got = interval.get_profile(rt.uow(), Accounts(facts), profile_id=second.profile.profile_id, **ids)
    assert len(got.profile.values) == 720
    with pytest.raises(NotFound) as exc:
        interval.list_profiles(rt.uow(), Accounts(facts), Accounts(facts), user_id=USER, contract="78000000000000")
    assert exc.value.code == "contract_not_found"


def test_accepted_hours_feed_the_series_by_hour_in_the_suppliers_zone(rt, facts):
    integral(rt, facts, "18000")
    shown = submit(rt, facts, filled(1000), mode="ratio")  # × КТ 40: 25 kWh metered each hour
    accepted = interval.staff_decide(rt.uow(), Staff(), profile_id=shown.profile.profile_id, accept=True, reason="")
    assert accepted.profile.status == "accepted" and accepted.delta == Decimal(0)
    with rt.engine.connect() as db:
        first = db.execute(select(hourly_values).order_by(hourly_values.c.hour_start)).first()
    assert first.hour_start == dt.datetime(2026, 10, 31, 19, tzinfo=dt.UTC) and first.kwh == 25
    assert first.source == "interval"
    hours = series(rt.uow(), Accounts(facts), NoPayments(), user_id=USER, account_id=facts.account_id,
                   granularity="hour", from_period="2026-11", to_period="2026-11")
    assert len(hours.points) == 720 and hours.points[7].zones == (("peak", Decimal("25.000")),)
    days = series(rt.uow(), Accounts(facts), NoPayments(), user_id=USER, account_id=facts.account_id,
                  granularity="day", from_period="2026-11", to_period="2026-11")
    assert days.points[0].total_kwh == Decimal(600) and len(days.points) == 30
    with pytest.raises(Rejected) as exc:
        interval.staff_decide(rt.uow(), Staff(), profile_id=shown.profile.profile_id, accept=False, reason="нет")
    assert exc.value.code == "interval_profile_not_pending"
