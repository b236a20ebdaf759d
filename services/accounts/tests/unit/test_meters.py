"""Meter data: one check for a staff correction and a registry row, with the same messages."""

import datetime as dt
from decimal import Decimal

import pytest

from kit.errors import InvalidInput
from services.accounts.domain.meters import MESSAGES, check_meter_data, meter_correction
from services.accounts.domain.registry import RowError, meter_row

ROW = {"supplier_code": "012", "account_number": "12-10000001", "meter_number": "01234567",
       "model": "НЕВА МТ 324 1.0 AOS26", "zones": "3", "digits": "6", "ratio": "", "verification_due": ""}


def test_only_the_given_values_are_checked_and_cleaned():
    assert check_meter_data() == {}
    assert check_meter_data(number=" 0123 ", zones=2, digits="6", ratio="2,5", verification_due="2030-01-31") == {
        "number": "0123", "zones": 2, "digits": 6, "ratio": Decimal("2.5"), "verification_due": dt.date(2030, 1, 31)}
    assert check_meter_data(verification_due="") == {"verification_due": None}  # "" clears it


@pytest.mark.parametrize("field,value", [
    ("number", ""), ("number", "1" * 41), ("model", " "), ("model", "М" * 201),
    ("zones", 0), ("zones", 4), ("zones", "два"), ("digits", 3), ("digits", 10), ("digits", True),
    ("ratio", "0"), ("ratio", "-1"), ("ratio", "1.00001"), ("ratio", "100000000"), ("ratio", "NaN"),
    ("ratio", "1e30"), ("ratio", "КТ"), ("verification_due", "31.01.2030"), ("verification_due", "2030-02-30"),
])
def test_bad_values_are_refused_with_a_message_per_field(field, value):
    with pytest.raises(InvalidInput) as exc:
        check_meter_data(**{field: value})
    assert exc.value.code == "invalid_meter_data" and exc.value.fields == {field: MESSAGES[field]}


def test_the_domain_limits_are_wider_than_the_gateway_had_them():
    assert check_meter_data(model="М" * 200)["model"] == "М" * 200
    assert check_meter_data(ratio="99999999,9999")["ratio"] == Decimal("99999999.9999")


def test_a_correction_needs_a_reason_and_something_to_correct_and_says_everything_at_once():
    assert meter_correction(reason="  Акт №17 ", zones=1) == ({"zones": 1}, "Акт №17")
    with pytest.raises(InvalidInput) as exc:
        meter_correction(reason="", zones=2)
    assert (exc.value.code, set(exc.value.fields)) == ("reason_required", {"reason"})
    with pytest.raises(InvalidInput) as exc:
        meter_correction(reason="ок", zones=2)
    assert exc.value.code == "invalid_reason"
    with pytest.raises(InvalidInput) as exc:
        meter_correction(reason="x" * 501, zones=2)
    assert exc.value.code == "invalid_reason"
    with pytest.raises(InvalidInput) as exc:
        meter_correction(reason="Акт", number=None, zones=None)
    assert exc.value.code == "nothing_to_correct"
    with pytest.raises(InvalidInput) as exc:
        meter_correction(reason="", zones=7, digits=2)
    assert (exc.value.code, set(exc.value.fields)) == ("invalid_input", {"reason", "zones", "digits"})


def test_a_registry_row_goes_through_the_same_check():
    row = meter_row(2, ROW)
    assert (row.meter_number, row.zones, row.digits, row.ratio, row.verification_due) == (
        "01234567", 3, 6, Decimal(1), None)  # an empty КТ is 1
    assert meter_row(2, ROW | {"verification_due": "31.01.2030"}).verification_due == dt.date(2030, 1, 31)
    for field, column, value in [("zones", "zones", "4"), ("model", "model", "М" * 201),
                                 ("ratio", "ratio", "100000000"), ("number", "meter_number", ""),
                                 ("digits", "digits", "")]:
        with pytest.raises(RowError) as exc:
            meter_row(3, ROW | {column: value})
        assert str(exc.value) == MESSAGES[field], column
    with pytest.raises(RowError) as exc:
        meter_row(3, ROW | {"zones": "4", "digits": "3"})
    assert str(exc.value) == f"{MESSAGES['zones']} {MESSAGES['digits']}"
