"""The rules of the billing run (domain/billing.py), each with a worked example, the numbers written out.
The run's SQL is compared with these functions in tests/integration/test_billing_run.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kit.errors import InvalidInput, Rejected
from services.payments.domain import billing as rules
from services.payments.domain.billing import AVERAGE, NORM, READINGS, AccountToBill, PastCharge
from services.payments.domain.model import Supplier, Tariff

NOV = dt.date(2026, 11, 1)
GAS = "urban_gas_stove"
S = "5b0c1a7e-0000-4000-8000-000000000001"


def tariff(tariff_id: str, valid_from: dt.date, total: str, day: str = "7.00", night: str = "3.50") -> Tariff:
    return Tariff(tariff_id=tariff_id, supplier_id=S, category=GAS, valid_from=valid_from,
                  prices={1: {"total": Decimal(total)}, 2: {"day": Decimal(day), "night": Decimal(night)}})


OLD = tariff("old", dt.date(2026, 1, 1), "6.00")
NEW = tariff("new", dt.date(2026, 11, 16), "6.60", day="7.70", night="3.85")


def history(*bases: tuple[int, str, str]) -> list[PastCharge]:
    """(months before November, basis, kWh round the clock)."""
    return [PastCharge(rules.add_months(NOV, -ago), basis, {(1, "total"): Decimal(kwh)}) for ago, basis, kwh in bases]


# --- periods and dates -----------------------------------------------------------------------

def test_the_period_of_a_moment_is_the_local_month_of_the_supplier():
    # 31 October 22:30 UTC is 1 November 01:30 in Moscow (UTC+3) and 1 November 03:30 in Yekaterinburg (UTC+5)
    moment = dt.datetime(2026, 10, 31, 22, 30, tzinfo=dt.UTC)
    assert rules.period_of(moment) == NOV
    yekaterinburg = Supplier(S, "x", "", "", "", "", "", "", "Asia/Yekaterinburg")
    assert rules.period_of(moment, yekaterinburg) == NOV
    assert rules.period_of(dt.datetime(2026, 10, 31, 20, 59, tzinfo=dt.UTC)) == dt.date(2026, 10, 1)


def test_periods_are_written_yyyy_mm_and_end_on_their_last_day():
    assert rules.parse_period("2026-11") == NOV
    assert [rules.parse_period(t) for t in ("2026-13", "2026-1", "26-11", "", "1999-12")] == [None] * 5
    assert rules.period_text(NOV) == "2026-11"
    assert rules.period_title(NOV) == "ноябрь 2026"
    assert (rules.last_day(NOV), rules.days_in(NOV), rules.days_in(dt.date(2028, 2, 1))) == (
        dt.date(2026, 11, 30), 30, 29)
    assert rules.add_months(NOV, 2) == dt.date(2027, 1, 1) and rules.add_months(NOV, -11) == dt.date(2025, 12, 1)


def test_a_period_is_billed_from_the_day_after_its_end():
    assert not rules.period_ended(NOV, dt.date(2026, 11, 30))
    assert rules.period_ended(NOV, dt.date(2026, 12, 1))
    with pytest.raises(Rejected) as err:
        rules.ensure_period_ended(NOV, dt.date(2026, 11, 30))
    assert err.value.code == "period_open"
    assert rules.previous_period(dt.date(2027, 1, 3)) == dt.date(2026, 12, 1)


def test_the_due_date_is_the_suppliers_due_day_of_the_next_month_10_by_default():
    assert rules.due_date(NOV, None) == dt.date(2026, 12, 10)
    assert rules.due_date(NOV, 25) == dt.date(2026, 12, 25)
    assert rules.due_date(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)


def test_a_charge_of_a_billed_period_goes_to_the_next_open_one():
    # November and December have runs: a late November reading is an adjustment of January
    assert rules.open_period(NOV, []) == NOV
    assert rules.open_period(NOV, [NOV]) == dt.date(2026, 12, 1)
    assert rules.open_period(NOV, [NOV, dt.date(2026, 12, 1)]) == dt.date(2027, 1, 1)


# --- the basis -------------------------------------------------------------------------------

def test_readings_first_then_the_average_then_the_norm():
    six = history(*[(i, READINGS, "100") for i in range(1, 7)])
    assert rules.choose_basis(NOV, has_readings=True, history=(), norm_available=True) == READINGS
    assert rules.choose_basis(NOV, has_readings=False, history=six, norm_available=True) == AVERAGE
    assert rules.choose_basis(NOV, has_readings=False, history=six[:5], norm_available=True) == NORM
    assert rules.choose_basis(NOV, has_readings=False, history=six[:5], norm_available=False) is None


def test_the_average_needs_six_periods_by_readings_among_the_last_twelve():
    # by readings 7..12 months before November: six, all inside the window (December 2025 .. October 2026)
    assert rules.average_allowed(NOV, history(*[(i, READINGS, "1") for i in range(7, 13)]))
    # 8..13 months before: the one 13 months ago (October 2025) is outside — five
    assert not rules.average_allowed(NOV, history(*[(i, READINGS, "1") for i in range(8, 14)]))


def test_the_average_bills_at_most_three_periods_in_a_row_then_the_norm():
    by_readings = [(i, READINGS, "90") for i in range(4, 10)]  # February .. July 2026
    two = history(*by_readings, (2, AVERAGE, "90"), (1, AVERAGE, "90"))  # September, October: the average
    three = history(*by_readings, (3, AVERAGE, "90"), (2, AVERAGE, "90"), (1, AVERAGE, "90"))
    assert rules.choose_basis(NOV, has_readings=False, history=two, norm_available=True) == AVERAGE
    assert rules.choose_basis(NOV, has_readings=False, history=three, norm_available=True) == NORM
    # the worked example: August, September, October by the average ⇒ November by the norm of 2 residents,
    # 2 × 50 kWh = 100 kWh, 50 kWh at 6.00 (1–15 Nov) and 50 kWh at 6.60 (16–30 Nov): 30 000 + 33 000 kop.
    charge = rules.bill_account(AccountToBill("a", GAS, 2, {}, three, Decimal(50)), NOV, [OLD, NEW])
    assert charge.basis == NORM
    assert [(line.consumption, line.amount_kop) for line in charge.lines] == [(50, 30000), (50, 33000)]
    assert charge.amount_kop == 63000


def test_the_average_is_the_mean_of_the_periods_by_readings_to_a_watt_hour():
    # May..October by readings: 100 + 110 + 120 + 130 + 140 + 150 = 750 kWh / 6 = 125.000 kWh
    past = history(*[(6 - i, READINGS, str(100 + 10 * i)) for i in range(6)])
    assert rules.average_usage(NOV, past) == {(1, "total"): Decimal("125.000")}
    # 100, 100, 100, 100, 100, 100.001, 100.001 (7 periods): 700.002 / 7 = 100.000285… → 100.000
    past = history(*[(i, READINGS, "100") for i in range(1, 6)], (6, READINGS, "100.001"), (7, READINGS, "100.001"))
    assert rules.average_usage(NOV, past) == {(1, "total"): Decimal("100.000")}
    # averages and periods outside the window do not count: (90 + 93) / 2 is not asked, only readings
    past = history((1, AVERAGE, "500"), (2, READINGS, "90"), (3, READINGS, "93"), (13, READINGS, "1000"))
    assert rules.average_usage(NOV, past) == {(1, "total"): Decimal("91.500")}
    # the worked example, priced: 125 kWh → 62.5 kWh at 6.00 = 37 500 kop + 62.5 kWh at 6.60 = 41 250 kop
    six = history(*[(6 - i, READINGS, str(100 + 10 * i)) for i in range(6)])
    charge = rules.bill_account(AccountToBill("a", GAS, 2, {}, six, Decimal(50)), NOV, [OLD, NEW])
    assert (charge.basis, charge.amount_kop) == (AVERAGE, 37500 + 41250)


def test_the_norm_is_kwh_per_resident_times_residents_one_zone():
    # 3 residents × 45.5 kWh = 136.5 kWh round the clock
    assert rules.norm_usage(Decimal("45.5"), 3) == {(1, "total"): Decimal("136.5")}
    # without residents (or without a norm): no basis
    with pytest.raises(Rejected) as err:
        rules.bill_account(AccountToBill("a", GAS, None, {}, (), Decimal(50)), NOV, [OLD])
    assert err.value.code == "no_basis"


# --- pricing -------------------------------------------------------------------------------------

def test_a_tariff_change_inside_the_period_splits_it_by_days():
    # the new tariff from 16 November: 1–15 November (15 days) at the old, 16–30 (15 days) at the new
    assert [(s.tariff.tariff_id, s.first_day, s.days) for s in rules.tariff_segments([OLD, NEW], NOV)] == [
        ("old", NOV, 15), ("new", dt.date(2026, 11, 16), 15)]
    # a change on the 1st is no split; versions before and after the period do not count
    later = tariff("later", dt.date(2026, 12, 1), "9.99")
    first = tariff("first", NOV, "6.10")
    assert [(s.tariff.tariff_id, s.days) for s in rules.tariff_segments([OLD, first, later], NOV)] == [("first", 30)]
    with pytest.raises(Rejected) as err:
        rules.tariff_segments([NEW], NOV)  # 1–15 November have no tariff
    assert err.value.code == "tariff_not_found"


def test_the_kwh_are_shared_by_days_cumulatively_to_a_watt_hour():
    # 123.456 kWh over 15 + 15 days: 61.728 + 61.728
    assert rules.split_kwh(Decimal("123.456"), [15, 15]) == [Decimal("61.728"), Decimal("61.728")]
    # 100 kWh over 10 + 10 + 11 days (31): 32.258 (32.2580…), 64.516 − 32.258 = 32.258, 100 − 64.516 = 35.484
    assert rules.split_kwh(Decimal(100), [10, 10, 11]) == [Decimal("32.258"), Decimal("32.258"), Decimal("35.484")]
    # 0.001 kWh over 15 + 15: 0.0005 rounds half up to 0.001, the rest 0.000 — the shares add up exactly
    assert rules.split_kwh(Decimal("0.001"), [15, 15]) == [Decimal("0.001"), Decimal("0.000")]


def test_the_worked_example_by_readings_with_a_tariff_change():
    # readings of November: 100 + 23.456 = 123.456 kWh round the clock
    #   1–15 Nov: 61.728 kWh × 6.00 ₽ = 370.368 ₽ → 37 037 kop (370.368 rounds half up to 370.37)
    #  16–30 Nov: 61.728 kWh × 6.60 ₽ = 407.4048 ₽ → 40 740 kop
    #  final charge 77 777 kop; each line is rounded before the sum
    account = AccountToBill("a", GAS, 2, {(1, "total"): Decimal("123.456")})
    charge = rules.bill_account(account, NOV, [OLD, NEW])
    assert charge.basis == READINGS
    assert [(line.tariff_id, line.days, line.consumption, line.price_rub, line.amount_kop) for line in charge.lines] == [
        ("old", 15, Decimal("61.728"), Decimal("6.00"), 37037), ("new", 15, Decimal("61.728"), Decimal("6.60"), 40740)]
    assert charge.amount_kop == 77777


def test_the_worked_example_of_a_two_zone_meter():
    # day 200 kWh: 100 × 7.00 = 70 000 kop, 100 × 7.70 = 77 000 kop
    # night 101 kWh: 50.5 × 3.50 = 17 675 kop, 50.5 × 3.85 = 194.425 ₽ → 19 443 kop (half up)
    account = AccountToBill("a", GAS, 2, {(2, "day"): Decimal(200), (2, "night"): Decimal(101)})
    charge = rules.bill_account(account, NOV, [OLD, NEW])
    assert [(line.zone, line.amount_kop) for line in charge.lines] == [
        ("day", 70000), ("day", 77000), ("night", 17675), ("night", 19443)]
    assert charge.amount_kop == 184118


def test_a_zone_set_the_tariff_does_not_price_is_refused():
    three_zones = AccountToBill("a", GAS, 2, {(3, "peak"): Decimal(1), (3, "semi_peak"): Decimal(1),
                                              (3, "night"): Decimal(1)})
    with pytest.raises(Rejected) as err:
        rules.bill_account(three_zones, NOV, [OLD])
    assert err.value.code == "tariff_zones_missing"


def test_a_late_correction_worked_example():
    # November is billed (a run exists). A reading taken on 25 November arrives on 3 December with 20 kWh:
    # it is charged at the tariff of 25 November (6.60) — 20 × 6.60 = 132.00 ₽ = 13 200 kop — as an
    # adjustment of December, the next open period; November's final charge stays as it was.
    assert rules.open_period(rules.period_of(dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)), [NOV]) == \
        dt.date(2026, 12, 1)


def test_a_start_request_reports_every_bad_field():
    with pytest.raises(InvalidInput) as err:
        rules.run_request("nope", "2026-11-01", "2026-02-30", is_uuid=lambda v: False)
    assert set(err.value.fields) == {"supplier_id", "period", "as_of"}
    request = rules.run_request(S, "2026-11", "", is_uuid=lambda v: True)
    assert (request.period, request.as_of) == (NOV, None)
