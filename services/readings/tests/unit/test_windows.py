"""Submission windows: the dates in the supplier's zone, short months, refuse / next period, sources."""

import datetime as dt

import pytest

from kit.errors import Rejected
from services.readings.domain import windows as w

PSK = w.SupplierFacts("s1", timezone="Europe/Moscow", window_from_day=15, window_to_day=25)
LATE = w.SupplierFacts("s2", timezone="Asia/Vladivostok", window_from_day=25, window_to_day=31,
                       outside_policy=w.NEXT_PERIOD)


def at(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=dt.UTC)


def test_a_day_past_a_short_months_end_is_its_last_day():
    assert w.window_of(LATE, dt.date(2027, 2, 1)) == (dt.date(2027, 2, 25), dt.date(2027, 2, 28))
    assert w.window_of(LATE, dt.date(2028, 2, 1)) == (dt.date(2028, 2, 25), dt.date(2028, 2, 29))
    assert w.window_of(w.SupplierFacts("s", window_from_day=31, window_to_day=31), dt.date(2026, 4, 1)) == (
        dt.date(2026, 4, 30), dt.date(2026, 4, 30))


def test_the_window_is_in_the_suppliers_time_zone():
    # 14 Dec 22:00 UTC is 15 Dec 01:00 in Moscow: open there
    assert w.is_open(PSK, dt.datetime(2026, 12, 14, 22, tzinfo=dt.UTC))
    assert not w.is_open(PSK, dt.datetime(2026, 12, 14, 20, tzinfo=dt.UTC))
    # 25 Dec 21:30 UTC is 26 Dec in Moscow: closed
    assert not w.is_open(PSK, dt.datetime(2026, 12, 25, 21, 30, tzinfo=dt.UTC))
    assert w.local_date(dt.datetime(2026, 12, 31, 15, tzinfo=dt.UTC), "Asia/Vladivostok") == dt.date(2027, 1, 1)


def test_outside_the_window_refuse_says_the_window_and_the_next_opening():
    with pytest.raises(Rejected) as refused:
        w.submission_period(PSK, at(2026, 12, 27), "cabinet")
    assert refused.value.code == "outside_window"
    assert refused.value.message == ("Показания принимаются с 15 по 25 число. Следующий приём — с 15.01.2027.")
    with pytest.raises(Rejected) as before:
        w.submission_period(PSK, at(2026, 12, 3), "public")
    assert "Следующий приём — с 15.12.2026." in before.value.message


def test_inside_the_window_the_reading_counts_for_its_month():
    assert w.submission_period(PSK, at(2026, 12, 20), "cabinet") == dt.date(2026, 12, 1)


def test_next_period_policy_takes_the_period_of_the_next_window():
    # after the window closed: the next month's; before it opened: this month's
    assert w.submission_period(LATE, at(2027, 2, 5), "cabinet") == dt.date(2027, 2, 1)
    nxt = w.SupplierFacts("s3", window_from_day=15, window_to_day=20, outside_policy=w.NEXT_PERIOD)
    assert w.submission_period(nxt, at(2026, 12, 27), "cabinet") == dt.date(2027, 1, 1)
    assert w.submission_period(nxt, at(2026, 12, 3), "sms") == dt.date(2026, 12, 1)


def test_registry_automatic_and_staff_readings_do_not_wait_for_the_window():
    for source in ("registry", "automatic", "staff"):
        assert w.submission_period(PSK, at(2026, 12, 27), source) == dt.date(2026, 12, 1)


def test_a_supplier_readings_never_heard_of_is_always_open():
    unknown = w.supplier_or_default("s9", None)
    assert all(w.is_open(unknown, at(2027, 2, d)) for d in (1, 14, 28))
    assert w.days_text(unknown) == "с 1 числа до конца месяца"


def test_days_left_and_next_window():
    assert w.days_left(PSK, at(2026, 12, 20)) == 5
    assert w.days_left(PSK, at(2026, 12, 26)) is None
    assert w.next_window(PSK, at(2026, 12, 26)) == (dt.date(2027, 1, 15), dt.date(2027, 1, 25))


def test_a_period_is_yyyy_mm():
    assert w.parse_period("2026-11") == dt.date(2026, 11, 1)
    assert w.parse_period("2026-13") is None and w.parse_period("2026-1") is None and w.parse_period("") is None
