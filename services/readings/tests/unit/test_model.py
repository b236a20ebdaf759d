"""Rules a register reading must pass."""

import datetime as dt
from decimal import Decimal

import pytest

from kit.errors import InvalidInput, Rejected
from services.readings.domain.model import AccountFacts, Meter, Reading, accept_reading

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
ONE = Meter("m1", zones=1, digits=5)
TWO = Meter("m2", zones=2, digits=6)
THREE = Meter("m3", zones=3, digits=6)


def account(*meters, automatic=False):
    return AccountFacts("a1", "s1", "urban_gas_stove", automatic, tuple(meters))


def previous(meter, **values):
    return Reading("a1", meter.meter_id, {z: Decimal(v) for z, v in values.items()}, {}, NOW - dt.timedelta(days=30))


def accept(acc, meter_id, raw, prev=None):
    return accept_reading(acc, meter_id, raw, prev, submitted_by="u1", idempotency_key=None, now=NOW)


def test_one_zone_reading_gives_consumption_since_the_previous():
    r = accept(account(ONE), "m1", {"total": "10500,5"}, previous(ONE, total="10450"))
    assert r.values == {"total": Decimal("10500.500")}
    assert r.consumption == {"total": Decimal("50.500")}


def test_first_reading_has_no_consumption():
    assert accept(account(ONE), "m1", {"total": "1"}).consumption == {"total": Decimal("0.000")}


def test_two_and_three_zones_need_exactly_their_zones():
    r = accept(account(TWO), "m2", {"day": "10", "night": "5"}, previous(TWO, day="8", night="4"))
    assert r.consumption == {"day": Decimal("2.000"), "night": Decimal("1.000")}
    with pytest.raises(InvalidInput) as err:
        accept(account(THREE), "m3", {"peak": "1", "night": "1", "total": "3"})
    assert set(err.value.fields) == {"semi_peak", "total"}


def test_below_previous_is_refused():
    with pytest.raises(Rejected) as err:
        accept(account(ONE), "m1", {"total": "10000"}, previous(ONE, total="10450"))
    assert err.value.code == "reading_below_previous"


def test_a_dial_roll_over_is_consumption_not_an_error():
    r = accept(account(ONE), "m1", {"total": "00012"}, previous(ONE, total="99990"))
    assert r.consumption == {"total": Decimal("22.000")}


@pytest.mark.parametrize("raw", ["-1", "abc", "1.2345", "100000", "", "NaN", "Infinity"])
def test_bad_numbers_are_field_errors(raw):
    with pytest.raises(InvalidInput) as err:
        accept(account(ONE), "m1", {"total": raw})
    assert "total" in err.value.fields


def test_meter_of_another_account_is_refused():
    with pytest.raises(InvalidInput) as err:
        accept(account(ONE), "m2", {"total": "1"})
    assert err.value.code == "meter_not_on_account"


def test_automatic_metering_accounts_refuse_customer_readings():
    with pytest.raises(Rejected) as err:
        accept(account(ONE, automatic=True), "m1", {"total": "1"})
    assert err.value.code == "automatic_metering"
