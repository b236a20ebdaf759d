"""Consumption series: the month range, the points of a chart, the CSV and the ESPI feed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest

from kit.errors import InvalidInput
from services.readings.adapters.espi import ATOM, ESPI, csv_bytes, feed_bytes
from services.readings.domain import consumption as rules

MSK = "Europe/Moscow"
TODAY = dt.date(2026, 11, 20)


def query(**kw):
    return rules.check_query(**{"granularity": "", "from_period": "", "to_period": "", "today": TODAY, **kw})


def test_by_default_the_last_twelve_months_by_month():
    q = query()
    assert (q.granularity, q.first, q.last) == ("month", dt.date(2025, 12, 1), dt.date(2026, 11, 1))


@pytest.mark.parametrize("kw, field", [
    ({"from_period": "2026-13"}, "from"), ({"to_period": "26-01"}, "to"), ({"from_period": "2026-1"}, "from"),
    ({"from_period": "2026-05", "to_period": "2026-04"}, "from"),
    ({"from_period": "2023-01", "to_period": "2026-01"}, "from"), ({"granularity": "week"}, "granularity"),
])
def test_a_bad_range_is_refused_with_its_field(kw, field):
    with pytest.raises(InvalidInput) as exc:
        query(**kw)
    assert exc.value.code == "invalid_input" and field in exc.value.fields


def test_day_and_hour_are_unavailable_without_hourly_values():
    with pytest.raises(InvalidInput) as exc:
        rules.require_hourly(False)
    assert exc.value.code == "granularity_unavailable" and "по месяцам" in exc.value.message
    rules.require_hourly(True)


@pytest.mark.parametrize("granularity, most", [("day", 12), ("hour", 1)])
def test_day_and_hour_default_to_this_month_and_are_capped(granularity, most):
    q = query(granularity=granularity)
    assert (q.first, q.last) == (dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    too_far = rules.add_months(dt.date(2026, 11, 1), -most)
    with pytest.raises(InvalidInput) as exc:
        query(granularity=granularity, from_period=f"{too_far:%Y-%m}", to_period="2026-11")
    assert "from" in exc.value.fields


@pytest.mark.parametrize("hour, zones, zone", [
    (0, 1, "total"), (22, 2, "day"), (23, 2, "night"), (6, 2, "night"), (7, 2, "day"), (6, 3, "night"),
    (7, 3, "peak"), (9, 3, "peak"), (10, 3, "semi_peak"), (16, 3, "semi_peak"), (17, 3, "peak"), (20, 3, "peak"),
    (21, 3, "semi_peak"), (23, 3, "night"),
])
def test_each_local_hour_falls_in_the_meters_tariff_zone(hour, zones, zone):
    assert rules.zone_of_hour(hour, zones) == zone


def test_by_hour_every_local_hour_of_the_month_by_day_every_day():
    nov = dt.date(2026, 11, 1)
    used = [("m3", nov, 7, Decimal("2")), ("m3", nov, 23, Decimal("1")), ("m3", nov, 12, Decimal("0.5")),
            ("gone", nov.replace(day=2), 3, Decimal("4"))]
    hours = rules.hourly_points(query(granularity="hour"), "Asia/Yekaterinburg", used, {"m3": 3})
    assert len(hours) == 720 and hours[0].label == "2026-11-01T00:00" and hours[0].duration_seconds == 3600
    assert hours[0].start == dt.datetime(2026, 10, 31, 19, tzinfo=dt.UTC)
    assert hours[7].zones == (("peak", Decimal("2.000")),) and hours[24 + 3].zones == (("total", Decimal("4.000")),)
    days = rules.hourly_points(query(granularity="day"), MSK, used, {"m3": 3})
    assert len(days) == 30 and days[0].label == "2026-11-01" and days[0].duration_seconds == 86400
    assert days[0].zones == (("peak", Decimal("2.000")), ("semi_peak", Decimal("0.500")),
                             ("night", Decimal("1.000")))
    assert days[0].total_kwh == Decimal("3.500") and days[2].zones == ()


def test_thirty_six_months_is_the_most():
    assert rules.months_between(query(from_period="2023-12", to_period="2026-11").first, dt.date(2026, 11, 1)) == 36


def test_months_are_cut_at_the_suppliers_local_midnight():
    start, end = rules.bounds(query(from_period="2026-10", to_period="2026-10"), MSK)
    assert start == dt.datetime(2026, 9, 30, 21, tzinfo=dt.UTC) and end == dt.datetime(2026, 10, 31, 21, tzinfo=dt.UTC)


def series(points_of=None, charges_available=True):
    q = query(from_period="2026-09", to_period="2026-11")
    used = points_of if points_of is not None else [
        (dt.date(2026, 9, 1), "night", Decimal("40.5")), (dt.date(2026, 9, 1), "day", Decimal("100")),
        (dt.date(2026, 9, 1), "day", Decimal("20.25")), (dt.date(2026, 11, 1), "day", Decimal("7"))]
    return rules.Series(account_id="a1", meter_id="", granularity="month", first=q.first, last=q.last,
                        timezone=MSK, charges_available=charges_available,
                        points=rules.points(q, MSK, used, {dt.date(2026, 9, 1): 123456, dt.date(2026, 10, 1): -50}))


def test_every_month_is_a_point_with_its_zones_in_reading_order_and_its_charge():
    points = series().points
    assert [p.period for p in points] == [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    assert points[0].zones == (("day", Decimal("120.250")), ("night", Decimal("40.500")))
    assert points[0].total_kwh == Decimal("160.750") and points[0].charged_kop == 123456
    assert points[1].zones == () and points[1].total_kwh == Decimal("0.000") and points[1].charged_kop == -50
    assert points[0].duration_seconds == 30 * 86400 and points[1].duration_seconds == 31 * 86400
    assert points[2].charged_kop == 0


def test_the_csv_opens_in_excel_with_russian_headers():
    text = csv_bytes(series()).decode("utf-8")
    assert text.startswith("\ufeffпериод;зона;кВт·ч;начислено ₽\r\n")
    rows = text.lstrip("\ufeff").splitlines()[1:]
    assert rows == ["2026-09;День;120,250;1234,56", "2026-09;Ночь;40,500;", "2026-10;;;-0,50", "2026-11;День;7,000;0,00"]


def test_the_csv_leaves_charges_empty_when_they_could_not_be_fetched():
    rows = csv_bytes(series(charges_available=False)).decode("utf-8").splitlines()[1:]
    assert rows[0] == "2026-09;День;120,250;"


def test_the_espi_feed_has_a_usage_point_and_per_zone_reading_type_and_monthly_interval_readings():
    root = ET.fromstring(feed_bytes(series(), now=dt.datetime(2026, 11, 20, tzinfo=dt.UTC)))
    ns = {"a": ATOM, "espi": ESPI}
    assert root.tag == f"{{{ATOM}}}feed"
    entries = root.findall("a:entry", ns)
    assert len(root.findall("a:entry/a:content/espi:UsagePoint", ns)) == 1
    assert len(root.findall("a:entry/a:content/espi:MeterReading", ns)) == 2
    types = root.findall("a:entry/a:content/espi:ReadingType", ns)
    assert [t.findtext("espi:uom", namespaces=ns) for t in types] == ["72", "72"]
    assert {t.findtext("espi:commodity", namespaces=ns) for t in types} == {"1"}
    assert {t.findtext("espi:accumulationBehaviour", namespaces=ns) for t in types} == {"4"}
    blocks = root.findall("a:entry/a:content/espi:IntervalBlock", ns)
    day = [(r.findtext("espi:timePeriod/espi:start", namespaces=ns),
            r.findtext("espi:timePeriod/espi:duration", namespaces=ns), r.findtext("espi:value", namespaces=ns))
           for r in blocks[0].findall("espi:IntervalReading", ns)]
    sep = str(int(dt.datetime(2026, 8, 31, 21, tzinfo=dt.UTC).timestamp()))
    nov = str(int(dt.datetime(2026, 10, 31, 21, tzinfo=dt.UTC).timestamp()))
    assert day == [(sep, str(30 * 86400), "120250"), (nov, str(30 * 86400), "7000")]
    assert len(blocks[1].findall("espi:IntervalReading", ns)) == 1
    assert len({e.findtext("a:id", namespaces=ns) for e in entries}) == len(entries) == 7


def test_an_empty_series_is_a_feed_with_the_usage_point_only():
    root = ET.fromstring(feed_bytes(series(points_of=[])))
    assert len(root.findall(f"{{{ATOM}}}entry")) == 1


def test_wh_rounds_half_up():
    assert rules.wh(Decimal("0.0005")) == 1 and rules.wh(Decimal("12.3454")) == 12345


class Payments:
    """payments' ListChargedByPeriod, as the gRPC client answers it."""

    def call(self, method, request, **kw):
        from kabinet.payments.v1 import payments_pb2
        assert (method, request.account_id, request.since) == ("ListChargedByPeriod", "a1", "2026-09")
        return payments_pb2.ListChargedByPeriodReply(periods=[
            payments_pb2.PeriodCharged(period="2026-10", charged_kop=500),
            payments_pb2.PeriodCharged(period="2026-11", charged_kop=30000)])


def test_charged_per_period_is_payments_word():
    from services.readings.adapters.payments import PaymentsClient

    client = object.__new__(PaymentsClient)
    client.client = Payments()
    charged = client.charged_by_period("a1", since=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    assert charged == {dt.date(2026, 10, 1): 500, dt.date(2026, 11, 1): 30000}
