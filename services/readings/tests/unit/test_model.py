"""Rules a register reading must pass."""

import datetime as dt
from decimal import Decimal

import pytest
from kabinet_vocabulary import READING_SOURCE

from kit.errors import InvalidInput, Rejected
from services.readings.domain.model import CABINET, SEED, AccountFacts, Meter, Reading, accept_reading

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


def refusal(raw: dict, meter=ONE) -> dict[str, str]:
    """The field errors of an invalid reading (code invalid_reading)."""
    with pytest.raises(InvalidInput) as err:
        accept(account(meter), meter.meter_id, raw)
    assert err.value.code == "invalid_reading"
    return err.value.fields


def test_the_zones_are_those_of_the_vocabulary_in_reading_order():
    assert (ONE.zone_names, TWO.zone_names, THREE.zone_names) == (
        ("total",), ("day", "night"), ("peak", "semi_peak", "night"))


def test_blanks_around_a_value_and_a_decimal_comma_are_fine():
    r = accept(account(TWO), "m2", {"day": " 10,5 ", "night": "\t7.25\n"})
    assert r.values == {"day": Decimal("10.500"), "night": Decimal("7.250")}


def test_leading_zeros_as_on_the_dial_are_fine():
    assert accept(account(ONE), "m1", {"total": "00012,100"}).values == {"total": Decimal("12.100")}


def test_an_unknown_zone_name_is_an_error_under_its_own_key():
    fields = refusal({"total": "1", "kitchen": "2"})
    assert fields == {"kitchen": "Неизвестная тарифная зона."}


def test_a_zone_of_another_kind_of_meter_says_this_meter_has_none():
    fields = refusal({"total": "1"}, TWO)
    assert fields["total"] == "У этого счётчика нет зоны «Круглосуточные»."
    assert fields["day"] == "Укажите показания «День»." and fields["night"] == "Укажите показания «Ночь»."


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_an_empty_value_asks_for_the_zone_by_its_title(raw):
    assert refusal({"total": raw}) == {"total": "Укажите показания «Круглосуточные»."}


def test_no_values_at_all_ask_for_every_zone():
    assert set(refusal({}, THREE)) == {"peak", "semi_peak", "night"}


@pytest.mark.parametrize("raw", ["-1", "-0,5", " - 12 ", "\u22123"])
def test_a_negative_value_is_refused(raw):
    assert refusal({"total": raw}) == {"total": "Показания не могут быть отрицательными."}


@pytest.mark.parametrize("raw", ["1.2345", "1,0000", "0.1234567"])
def test_more_than_three_decimals_are_refused(raw):
    assert refusal({"total": raw}) == {"total": "Не больше трёх знаков после запятой."}


@pytest.mark.parametrize("raw", ["abc", "12 345", "1.2.3", "1,", ",5", "+5", "5 кВт·ч", "0x10", "1_000", "١٢٣"])
def test_anything_but_digits_with_one_decimal_separator_is_not_a_number(raw):
    assert refusal({"total": raw}) == {"total": "Введите число, например 12345,678."}


@pytest.mark.parametrize("raw", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "+inf"])
def test_nan_and_infinity_are_refused_clearly(raw):
    assert refusal({"total": raw}) == {"total": "Показания — число с прибора, например 12345,678, а не NaN или Infinity."}


@pytest.mark.parametrize("raw", ["1e3", "1E3", "1.5e2", "2,5e-1", "-1e3"])
def test_exponents_are_refused_clearly(raw):
    assert refusal({"total": raw}) == {"total": "Запишите показания без степени: например 1000, а не 1e3."}


@pytest.mark.parametrize("raw,meter,message", [
    ("100000", ONE, "На счётчике только 5 цифр до запятой."),
    ("99999.999", ONE, None),
    ("1" * 40, ONE, "На счётчике только 5 цифр до запятой."),
    ("1234567", Meter("m4", zones=1, digits=4), "На счётчике только 4 цифры до запятой."),
])
def test_a_value_must_fit_the_dial(raw, meter, message):
    if message is None:
        assert accept(account(meter), meter.meter_id, {"total": raw}).values == {"total": Decimal(raw)}
    else:
        assert refusal({"total": raw}, meter) == {"total": message}


def test_every_problem_is_reported_at_once_per_zone():
    fields = refusal({"peak": "-1", "semi_peak": "1e3", "night": "1,2345", "day": "5"}, THREE)
    assert set(fields) == {"peak", "semi_peak", "night", "day"}


def test_a_customer_reading_comes_from_the_cabinet():
    assert accept(account(ONE), "m1", {"total": "1"}).source == "cabinet" == CABINET
    assert {CABINET, SEED} <= set(READING_SOURCE.codes)


def test_meter_of_another_account_is_refused():
    with pytest.raises(InvalidInput) as err:
        accept(account(ONE), "m2", {"total": "1"})
    assert err.value.code == "meter_not_on_account"


def test_automatic_metering_accounts_refuse_customer_readings():
    with pytest.raises(Rejected) as err:
        accept(account(ONE, automatic=True), "m1", {"total": "1"})
    assert err.value.code == "automatic_metering"
