"""Tariff choice, charges to the kopeck, the ledger and the balance state."""

import datetime as dt
from decimal import Decimal

import pytest
from kabinet_vocabulary import BALANCE_STATE

from kit.errors import InvalidInput, Rejected
from services.payments.domain.model import (
    METER_ZONE_COUNTS,
    AcceptedReading,
    Balance,
    LedgerEntry,
    Supplier,
    Tariff,
    choose_tariff,
    line_amount_kop,
    local_date,
    parse_prices,
    preliminary_charge,
    preview_charge,
)

SUPPLIER = "2a848f89-cd7d-5192-a0d1-e4c35663d673"
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
GAS_PRICES = parse_prices({"1": {"total": "7.05"}, "2": {"day": "8.11", "night": "4.02"},
                           "3": {"peak": "9.17", "semi_peak": "7.05", "night": "4.02"}})


def tariff(valid_from="2026-07-01", category="urban_gas_stove", supplier=SUPPLIER, prices=GAS_PRICES, tid=None):
    return Tariff(tariff_id=tid or f"t-{category}-{valid_from}", supplier_id=supplier, category=category,
                  valid_from=dt.date.fromisoformat(valid_from), prices=prices)


def reading(ratio="1", **consumption):
    return AcceptedReading(reading_id="r1", account_id="a1", supplier_id=SUPPLIER, category="urban_gas_stove",
                           consumption={z: Decimal(v) for z, v in consumption.items()}, ratio=Decimal(ratio),
                           taken_at=NOW, submitted_by="u1")


def charge(t=None, ratio="1", **consumption):
    return preliminary_charge(t or tariff(), reading(ratio, **consumption), posted_at=NOW)


# --- which tariff -----------------------------------------------------------------

def test_the_tariff_in_force_is_the_latest_that_started_on_or_before_the_date():
    old, current, future = tariff("2026-01-01"), tariff("2026-07-01"), tariff("2027-01-01")
    everything = [future, old, current, tariff("2026-08-01", category="urban_electric_stove"),
                  tariff("2026-08-01", supplier="00000000-0000-0000-0000-000000000000")]
    pick = lambda on: choose_tariff(everything, supplier_id=SUPPLIER, category="urban_gas_stove",  # noqa: E731
                                    on=dt.date.fromisoformat(on))
    assert pick("2026-06-30") is old
    assert pick("2026-07-01") is current  # valid_from is inclusive
    assert pick("2026-12-31") is current
    assert pick("2027-01-01") is future


def test_no_tariff_for_the_date_or_category_is_refused():
    with pytest.raises(Rejected) as err:
        choose_tariff([tariff("2026-07-01")], supplier_id=SUPPLIER, category="urban_gas_stove",
                      on=dt.date(2026, 6, 30))
    assert err.value.code == "tariff_not_found"
    with pytest.raises(Rejected):
        choose_tariff([tariff()], supplier_id=SUPPLIER, category="rural", on=dt.date(2026, 11, 1))


def test_a_reading_is_dated_in_the_suppliers_time_zone():
    # 21:30 UTC on 30 June is 00:30 on 1 July in Moscow: the July tariff applies.
    assert local_date(dt.datetime(2026, 6, 30, 21, 30, tzinfo=dt.UTC)) == dt.date(2026, 7, 1)
    assert local_date(dt.datetime(2026, 6, 30, 20, 59, tzinfo=dt.UTC)) == dt.date(2026, 6, 30)


def ural(timezone="Asia/Yekaterinburg") -> Supplier:
    return Supplier(supplier_id=SUPPLIER, name="АО «ЭнергосбыТ Плюс»", inn="5612042824", kpp="561201001",
                    bank_name="ПАО Сбербанк", bic="044525225", settlement_account="40702810900000000001",
                    correspondent_account="30101810400000000225", timezone=timezone, payment_due_day=10)


def test_a_supplier_dates_in_its_own_time_zone():
    # 21:30 UTC on 31 July is 02:30 on 1 August in Yekaterinburg (UTC+5), and so 2 hours later than Moscow's
    late = dt.datetime(2026, 7, 31, 21, 30, tzinfo=dt.UTC)
    assert local_date(late, ural()) == dt.date(2026, 8, 1)
    assert local_date(dt.datetime(2026, 7, 31, 18, 59, tzinfo=dt.UTC), ural()) == dt.date(2026, 7, 31)
    assert local_date(dt.datetime(2026, 7, 31, 19, 0, tzinfo=dt.UTC), ural()) == dt.date(2026, 8, 1)
    assert local_date(dt.datetime(2026, 7, 31, 19, 0, tzinfo=dt.UTC)) == dt.date(2026, 7, 31)  # Moscow: 22:00


def test_a_supplier_not_projected_yet_or_with_an_unknown_zone_dates_in_moscow():
    moment = dt.datetime(2026, 7, 31, 20, 0, tzinfo=dt.UTC)  # 23:00 in Moscow, 01:00 in Yekaterinburg
    assert local_date(moment, None) == local_date(moment, ural("")) == dt.date(2026, 7, 31)
    assert local_date(moment, ural("Mars/Olympus_Mons")) == local_date(moment, ural("../etc")) == dt.date(2026, 7, 31)


# --- amounts ------------------------------------------------------------------------

def test_one_zone_charge_is_rounded_to_the_kopeck():
    c = charge(total="12.345")  # 12.345 kWh x 7.05 RUB = 87.03225 RUB
    assert [(line.zone, line.amount_kop) for line in c.lines] == [("total", 8703)]
    assert c.amount_kop == 8703
    assert c.kind == "preliminary" and c.reading_id == "r1"


@pytest.mark.parametrize("kwh,price,kop", [
    ("0.001", "5", 1),       # 0.5 kopeck rounds up
    ("0.005", "5", 3),       # 2.5 kopecks: half up, not to even
    ("0.003", "1.5", 0),     # 0.45 kopeck rounds down
    ("0.001", "4.9999", 0),  # 0.49999 kopeck
    ("100000.000", "9.1700", 91_700_000),
    ("0.000", "7.05", 0),
])
def test_rounding_is_half_up_to_a_whole_kopeck(kwh, price, kop):
    assert line_amount_kop(Decimal(kwh), Decimal(1), Decimal(price)) == kop


def test_two_zone_charge_has_a_line_per_zone_and_their_sum():
    c = charge(day="89.500", night="30.000")
    # 89.5 x 8.11 = 725.845 RUB -> 72584.5 kop -> 72585; 30 x 4.02 = 120.60 RUB
    assert [(line.zone, line.amount_kop) for line in c.lines] == [("day", 72585), ("night", 12060)]
    assert c.amount_kop == 84645


def test_three_zone_charge_with_a_transformation_ratio():
    c = charge(ratio="40", night="0.013", peak="1.234", semi_peak="2.500")
    # peak 1.234 x 40 x 9.17 = 452.6312; semi-peak 2.5 x 40 x 7.05 = 705; night 0.013 x 40 x 4.02 = 2.0904
    assert [(line.zone, line.amount_kop) for line in c.lines] == [
        ("peak", 45263), ("semi_peak", 70500), ("night", 209)]
    assert c.amount_kop == 115972
    assert c.lines[0].billed_kwh == Decimal("49.360")
    assert c.lines[0].price_kop_per_kwh_x100 == 91700


def test_a_preview_is_priced_exactly_as_the_preliminary_charge():
    accepted = reading("40", night="0.013", peak="1.234", semi_peak="2.500")
    posted = preliminary_charge(tariff(), accepted, posted_at=NOW)
    previewed = preview_charge(tariff(), accepted.consumption, accepted.ratio)
    assert previewed.lines == posted.lines and previewed.amount_kop == posted.amount_kop == 115972
    assert previewed.tariff == tariff()
    with pytest.raises(Rejected) as err:  # and refused by the same rules
        preview_charge(tariff(), {"total": Decimal(1)}, Decimal(0))
    assert err.value.code == "invalid_ratio"


def test_each_line_is_rounded_before_the_total_is_summed():
    half = Tariff("t", SUPPLIER, "urban_gas_stove", dt.date(2026, 1, 1),
                  {2: {"day": Decimal("5"), "night": Decimal("5")}})
    c = charge(half, day="0.001", night="0.001")  # 0.5 + 0.5 kopeck
    assert [line.amount_kop for line in c.lines] == [1, 1]
    assert c.amount_kop == 2


def test_zones_must_be_those_of_a_meter_and_priced_by_the_tariff():
    with pytest.raises(Rejected) as err:
        charge(total="1", day="1")
    assert err.value.code == "unknown_zones"
    one_zone_only = tariff(prices={1: {"total": Decimal("7.05")}})
    with pytest.raises(Rejected) as err:
        charge(one_zone_only, day="1", night="1")
    assert err.value.code == "tariff_zones_missing"


@pytest.mark.parametrize("ratio", ["0", "-1"])
def test_a_ratio_must_be_positive(ratio):
    with pytest.raises(Rejected):
        charge(ratio=ratio, total="1")


def test_negative_consumption_is_refused():
    with pytest.raises(Rejected):
        charge(total="-1")


@pytest.mark.parametrize("prices", [
    {1: {"total": Decimal("7.05001")}},                   # finer than 1/100 kopeck
    {1: {"total": Decimal("-1")}},
    {2: {"day": Decimal("1")}},                           # a 2-zone tariff without night
    {4: {"total": Decimal("1")}},
    {},
])
def test_bad_tariffs_are_refused(prices):
    with pytest.raises(InvalidInput):
        tariff(prices=prices)


# --- ledger and balance -------------------------------------------------------------

def test_a_charge_is_booked_negatively():
    c = charge(total="12.345")
    entry = LedgerEntry.for_charge(c)
    assert (entry.kind, entry.amount_kop, entry.charge_id) == ("charge", -8703, c.charge_id)


def test_ledger_entries_are_whole_kopecks_of_a_known_kind():
    with pytest.raises(InvalidInput):
        LedgerEntry("a1", "bonus", 1, NOW)
    with pytest.raises(InvalidInput):
        LedgerEntry("a1", "payment", Decimal("1.5"), NOW)


@pytest.mark.parametrize("kop,state,due", [
    (-145075, "debt", 145075),
    (-1, "debt", 1),
    (0, "zero", 0),
    (15000, "overpayment", 0),
])
def test_balance_state_and_amount_due(kop, state, due):
    b = Balance("a1", kop)
    assert (b.state, b.amount_due_kop) == (state, due)


def test_the_balance_states_are_exactly_those_of_the_vocabulary():
    assert {Balance("a1", kop).state for kop in (-1, 0, 1)} == set(BALANCE_STATE.codes)


def test_meters_have_the_zone_counts_the_vocabulary_knows():
    assert METER_ZONE_COUNTS == (1, 2, 3)
