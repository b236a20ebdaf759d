"""The consumption series against PostgreSQL: months of the supplier's calendar, zones, statuses, meters."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import insert

from kit.errors import InvalidInput, Unavailable
from services.readings.adapters.orm import readings
from services.readings.domain.model import AccountFacts, Meter
from services.readings.service_layer.consumption import series

pytestmark = pytest.mark.integration
USER = str(uuid.uuid4())
NOW = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)


class Accounts:
    def __init__(self, facts: AccountFacts) -> None:
        self.known = facts

    def facts(self, account_id: str) -> AccountFacts:
        return self.known


class Payments:
    def __init__(self, charged=None, down=False) -> None:
        self.charged, self.down, self.since = charged or {}, down, None

    def charged_by_period(self, account_id, *, since):
        if self.down:
            raise Unavailable()
        self.since = since
        return self.charged


@pytest.fixture
def facts():
    return AccountFacts(account_id=str(uuid.uuid4()), supplier_id=str(uuid.uuid4()), category="population",
                        automatic_metering=False,
                        meters=(Meter(str(uuid.uuid4()), zones=2, digits=6), Meter(str(uuid.uuid4()), zones=1,
                                                                                    digits=6)))


def store(rt, facts, *rows):
    """rows: (meter index, taken_at, consumption, status)."""
    with rt.uow() as uow:
        uow.session.execute(insert(readings), [dict(
            reading_id=str(uuid.uuid4()), account_id=facts.account_id, meter_id=facts.meters[m].meter_id,
            values={z: "0" for z in used}, consumption=used, taken_at=at, source="cabinet", status=status,
            period=at.date().replace(day=1)) for m, at, used, status in rows])
        uow.commit()


def zones(result):
    return {f"{p.period:%Y-%m}": dict(p.zones) for p in result.points}


def test_months_zones_statuses_and_the_moscow_month_edge(rt, facts):
    store(rt, facts,
          (0, dt.datetime(2026, 9, 10, 8, tzinfo=dt.UTC), {"day": "100.5", "night": "40"}, "billed"),
          (0, dt.datetime(2026, 9, 20, 8, tzinfo=dt.UTC), {"day": "1.25", "night": "0"}, "accepted"),
          (0, dt.datetime(2026, 9, 21, 8, tzinfo=dt.UTC), {"day": "999", "night": "999"}, "superseded"),
          (0, dt.datetime(2026, 9, 22, 8, tzinfo=dt.UTC), {"day": "888", "night": "888"}, "rejected"),
          # 23:30 UTC on 31 October is 02:30 on 1 November in Moscow: November's
          (1, dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC), {"total": "7"}, "accepted"),
          # 20:30 UTC on 31 October is 23:30 in Moscow: still October's
          (1, dt.datetime(2026, 10, 31, 20, 30, tzinfo=dt.UTC), {"total": "3"}, "accepted"),
          (1, dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC), {"total": "50"}, "accepted"),  # after the range
          (1, dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC), {}, "accepted"))  # a new meter's baseline
    payments = Payments({dt.date(2026, 9, 1): 98765})
    result = series(rt.uow(), Accounts(facts), payments, user_id=USER, account_id=facts.account_id,
                    from_period="2026-08", to_period="2026-11", now=NOW)
    assert zones(result) == {"2026-08": {}, "2026-09": {"day": Decimal("101.750"), "night": Decimal("40.000")},
                             "2026-10": {"total": Decimal("3.000")}, "2026-11": {"total": Decimal("7.000")}}
    assert [p.charged_kop for p in result.points] == [0, 98765, 0, 0] and result.charges_available
    assert result.timezone == "Europe/Moscow"
    assert payments.since == dt.datetime(2026, 7, 31, 21, tzinfo=dt.UTC)


def test_one_meter_only_and_a_meter_of_another_account_is_refused(rt, facts):
    store(rt, facts, (0, dt.datetime(2026, 11, 3, tzinfo=dt.UTC), {"day": "5", "night": "1"}, "accepted"),
          (1, dt.datetime(2026, 11, 3, tzinfo=dt.UTC), {"total": "9"}, "accepted"))
    result = series(rt.uow(), Accounts(facts), Payments(), user_id=USER, account_id=facts.account_id,
                    meter_id=facts.meters[1].meter_id, now=NOW)
    assert len(result.points) == 12 and zones(result)["2026-11"] == {"total": Decimal("9.000")}
    for other in (str(uuid.uuid4()), "nope"):
        with pytest.raises(InvalidInput) as exc:
            series(rt.uow(), Accounts(facts), Payments(), user_id=USER, account_id=facts.account_id,
                   meter_id=other, now=NOW)
        assert exc.value.code == "meter_not_on_account"


def test_the_series_still_answers_when_payments_does_not(rt, facts):
    store(rt, facts, (1, dt.datetime(2026, 11, 3, tzinfo=dt.UTC), {"total": "9"}, "accepted"))
    result = series(rt.uow(), Accounts(facts), Payments(down=True), user_id=USER, account_id=facts.account_id,
                    now=NOW)
    assert not result.charges_available and zones(result)["2026-11"] == {"total": Decimal("9.000")}
