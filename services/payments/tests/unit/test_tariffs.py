"""Master data rules: which version is in force (and which is next), tariff prices as staff type them,
zone sets, the zone schedule, customer categories and consumption norms."""

import datetime as dt
from decimal import Decimal

import pytest

from kit.errors import Conflict, InvalidInput
from services.payments.domain.model import (
    Tariff,
    in_force,
    in_force_each,
    next_version,
    parse_prices,
    price_text,
    valid_until,
)
from services.payments.domain.tariffs import (
    DEFAULT_ZONE_SCHEDULE,
    ConsumptionNorm,
    Hours,
    ZoneSchedule,
    ensure_new_version,
    new_category,
    new_norm,
    new_tariff,
)

SUPPLIER = "2a848f89-cd7d-5192-a0d1-e4c35663d673"
OTHER = "00000000-0000-0000-0000-0000000000aa"
ONE_ZONE = {1: {"total": Decimal("7.05")}}


def tariff(valid_from, category="urban_gas_stove", supplier=SUPPLIER):
    return Tariff(f"t-{supplier}-{category}-{valid_from}", supplier, category, dt.date.fromisoformat(valid_from),
                  ONE_ZONE)


def day(text):
    return dt.date.fromisoformat(text)


# --- in force, and the next change ----------------------------------------------------

def test_a_version_is_in_force_from_its_date_until_the_next_one_a_future_one_is_scheduled():
    past, current, future = tariff("2026-01-01"), tariff("2026-07-01"), tariff("2027-01-01")
    versions = [future, past, current]
    today = day("2026-12-03")
    assert in_force(versions, today) is current
    assert next_version(versions, today) is future
    assert in_force(versions, day("2027-01-01")) is future  # the scheduled one takes over at its date
    assert next_version(versions, day("2027-01-01")) is None
    assert in_force(versions, day("2025-12-31")) is None  # before the first
    assert valid_until(past, versions) == day("2026-06-30")
    assert valid_until(current, versions) == day("2026-12-31")
    assert valid_until(future, versions) is None  # nothing scheduled after it


def test_of_many_things_the_version_of_each_in_force():
    versions = [tariff("2026-01-01"), tariff("2026-07-01"), tariff("2027-01-01"),
                tariff("2026-03-01", category="rural"), tariff("2027-03-01", category="rural"),
                tariff("2027-01-01", supplier=OTHER)]
    found = in_force_each(versions, day("2026-12-03"), lambda t: (t.supplier_id, t.category))
    assert [(t.category, t.valid_from.isoformat()) for t in found] == [
        ("urban_gas_stove", "2026-07-01"), ("rural", "2026-03-01")]  # OTHER has none in force yet


def test_one_version_per_date_of_a_supplier_and_category():
    versions = [tariff("2026-07-01"), tariff("2027-01-01", category="rural")]
    with pytest.raises(Conflict) as err:
        ensure_new_version(tariff("2026-07-01"), versions)
    assert err.value.code == "tariff_exists" and "valid_from" in err.value.fields
    ensure_new_version(tariff("2027-01-01"), versions)  # a later date schedules a change
    ensure_new_version(tariff("2026-07-01", supplier=OTHER), versions)


# --- prices as staff type them --------------------------------------------------------

def test_prices_are_read_with_a_point_or_a_comma_and_shown_with_2_to_4_decimals():
    prices = parse_prices({"1": {"total": "7,05"}, "2": {"day": "8.1100", "night": " 4.0215 "},
                           "3": {"peak": "9", "semi_peak": "7.05", "night": "4.02"}})
    assert prices == {1: {"total": Decimal("7.05")}, 2: {"day": Decimal("8.11"), "night": Decimal("4.0215")},
                      3: {"peak": Decimal(9), "semi_peak": Decimal("7.05"), "night": Decimal("4.02")}}
    assert [price_text(Decimal(x)) for x in ("7.05", "8.1100", "4.0215", "9", "10.5", "0.0001")] == [
        "7.05", "8.11", "4.0215", "9.00", "10.50", "0.0001"]


@pytest.mark.parametrize("text,message", [
    ("abc", "числом"),
    ("1e3", "числом"),
    ("", "числом"),
    ("7.05001", "4 знаков"),
    ("0", "больше нуля"),
    ("0.0000", "больше нуля"),
    ("-1", "больше нуля"),
    ("1000.0001", "не может быть больше 1000"),
])
def test_a_price_must_be_a_positive_number_with_at_most_4_decimals(text, message):
    with pytest.raises(InvalidInput) as err:
        parse_prices({"1": {"total": text}})
    assert err.value.code == "invalid_tariff"
    assert list(err.value.fields) == ["prices.1.total"] and message in err.value.fields["prices.1.total"]


@pytest.mark.parametrize("raw,field", [
    ({"2": {"day": "1"}}, "prices.2"),                                # a 2-zone set without night
    ({"2": {"day": "1", "night": "1", "peak": "1"}}, "prices.2"),     # a zone too many
    ({"1": {"day": "1"}}, "prices.1"),                                # the zones of another set
    ({"3": {"peak": "1", "semi_peak": "1", "day": "1"}}, "prices.3"),
    ({"4": {"total": "1"}}, "prices.4"),                              # no 4-zone meters
    ({"x": {"total": "1"}}, "prices.x"),
    ({"1": {}}, "prices.1"),
    ({}, "prices"),
])
def test_prices_are_given_for_the_zone_sets_of_1_2_and_3_zone_meters(raw, field):
    with pytest.raises(InvalidInput) as err:
        parse_prices(raw)
    assert field in err.value.fields


def test_zone_set_messages_name_the_zones_wanted():
    with pytest.raises(InvalidInput) as err:
        parse_prices({"3": {"peak": "9.17", "night": "4.02"}})
    assert err.value.fields == {"prices.3": "Для 3-зонного учёта нужны цены зон: Пик, Полупик, Ночь."}


def test_a_typed_tariff_keeps_the_same_rules():
    with pytest.raises(InvalidInput) as err:
        Tariff("t", SUPPLIER, "rural", day("2026-01-01"), {1: {"total": Decimal(0)}, 2: {"day": Decimal(1)}})
    assert set(err.value.fields) == {"prices.1.total", "prices.2"}


def test_a_new_tariff_reports_every_problem_at_once_by_field():
    with pytest.raises(InvalidInput) as err:
        new_tariff(tariff_id="t", supplier_id="nope", category="moon", category_known=False, valid_from="01.01.2027",
                   prices={"1": {"total": "7.055555"}, "2": {"day": "x", "night": "4"}})
    assert err.value.code == "invalid_tariff"
    assert set(err.value.fields) == {"supplier_id", "category", "valid_from", "prices.1.total", "prices.2.day"}
    good = new_tariff(tariff_id="t", supplier_id=SUPPLIER, category="rural", category_known=True,
                      valid_from="2027-01-01", prices={"1": {"total": "5.1234"}})
    assert (good.valid_from, good.prices) == (day("2027-01-01"), {1: {"total": Decimal("5.1234")}})


@pytest.mark.parametrize("text", ["2027-02-30", "2027-1-1", "", "tomorrow"])
def test_valid_from_is_a_calendar_date(text):
    with pytest.raises(InvalidInput) as err:
        new_tariff(tariff_id="t", supplier_id=SUPPLIER, category="rural", category_known=True, valid_from=text,
                   prices={"1": {"total": "1"}})
    assert list(err.value.fields) == ["valid_from"]


# --- the zone schedule ------------------------------------------------------------------

def hours(zone, schedule=DEFAULT_ZONE_SCHEDULE):
    return [h.texts for h in schedule.hours_of(zone)]


def test_the_default_zone_schedule():
    assert hours("night") == [("23:00", "07:00")]
    assert hours("peak") == [("07:00", "10:00"), ("17:00", "21:00")]
    assert hours("semi_peak") == [("10:00", "17:00"), ("21:00", "23:00")]
    assert hours("day") == [("07:00", "23:00")]  # peak + semi-peak
    assert hours("total") == [("00:00", "24:00")]


def test_a_schedule_shares_the_whole_day_out_once():
    with pytest.raises(InvalidInput):  # night overlaps the peak
        ZoneSchedule.from_texts({"peak": [("07:00", "10:00")], "semi_peak": [("10:00", "23:00")],
                                 "night": [("22:00", "07:00")]})
    with pytest.raises(InvalidInput):  # 23:00–24:00 belongs to nobody
        ZoneSchedule.from_texts({"peak": [("07:00", "10:00")], "semi_peak": [("10:00", "23:00")],
                                 "night": [("00:00", "07:00")]})
    with pytest.raises(InvalidInput):
        Hours.parse("25:00", "07:00")
    stored = ZoneSchedule.from_texts(DEFAULT_ZONE_SCHEDULE.to_texts())
    assert hours("day", stored) == [("07:00", "23:00")]


# --- categories and norms --------------------------------------------------------------------

def test_a_category_is_a_code_with_a_russian_title():
    assert new_category(" rural ", "  Сельское   население ") == new_category("rural", "Сельское население")
    with pytest.raises(InvalidInput) as err:
        new_category("Rural Area", "")
    assert err.value.code == "invalid_category" and set(err.value.fields) == {"code", "title"}


def test_a_norm_reports_every_problem_at_once():
    with pytest.raises(InvalidInput) as err:
        new_norm(supplier_id="x", category="moon", category_known=False, residents=0, valid_from="2027-13-01",
                 kwh_per_month="много")
    assert err.value.code == "invalid_norm"
    assert set(err.value.fields) == {"supplier_id", "category", "residents", "valid_from", "kwh_per_month"}
    with pytest.raises(InvalidInput) as err:
        new_norm(supplier_id=SUPPLIER, category="rural", category_known=True, residents=21, valid_from="2027-01-01",
                 kwh_per_month="57.1234")
    assert set(err.value.fields) == {"residents", "kwh_per_month"}
    norm = new_norm(supplier_id=SUPPLIER, category="rural", category_known=True, residents=5,
                    valid_from="2027-01-01", kwh_per_month="57,5")
    assert norm == ConsumptionNorm(SUPPLIER, "rural", 5, day("2027-01-01"), Decimal("57.5"))
