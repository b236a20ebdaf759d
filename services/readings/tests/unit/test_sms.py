"""SMS readings: the text a customer sends (every form, look-alike letters, malformed texts), the meter it reads,
and the answers — each fits one SMS of 70 UCS-2 characters."""

from decimal import Decimal

import pytest

from services.readings.domain import sms
from services.readings.domain import sms_replies as replies
from services.readings.domain.model import Meter


@pytest.mark.parametrize(("text", "code", "numbers", "values"), [
    ("PESC DISP 012-12345678 00325", "012", ("012-12345678", "12345678"), ("00325",)),
    ("PESC DISP 012-12345678 00325 00030", "012", ("012-12345678", "12345678"), ("00325", "00030")),
    ("PESC DISP 012-12345678 00325 00150 00030", "012", ("012-12345678", "12345678"), ("00325", "00150", "00030")),
    ("pesc disp 012-12345678 325", "012", ("012-12345678", "12345678"), ("325",)),
    ("  PESC   DISP\t012-12345678    00325  00030 ", "012", ("012-12345678", "12345678"), ("00325", "00030")),
    ("PESCDISP 012-12345678 1", "012", ("012-12345678", "12345678"), ("1",)),
    ("PESC DISP 012 – 12345678 1", "012", ("012-12345678", "12345678"), ("1",)),  # an en dash, blanks around
    ("PESC DISP 012—12-10000001 1", "012", ("012-12-10000001", "12-10000001"), ("1",)),
    ("PESC DISP 12-12345678 1", "012", ("12-12345678", "12345678"), ("1",)),  # the code's leading zero left out
    ("PESC DISP 077-5-100 12,5 7.25", "077", ("077-5-100", "5-100"), ("12,5", "7.25")),
])
def test_every_form_is_read(text, code, numbers, values):
    reading = sms.parse(text)
    assert (reading.supplier_code, reading.account_numbers, reading.values) == (code, numbers, values)


@pytest.mark.parametrize("text", [
    "РЕSС DISР 012-12345678 00325",      # Р, Е, С Cyrillic
    "РЕЅС DІЅР 012-12345678 00325",      # and Ѕ, І
    "рesс disр 012-12345678 00325",      # lower-case Cyrillic among Latin
    "PЕSC DISP 012-12345678 00325",      # one Cyrillic Е
])
def test_cyrillic_look_alikes_are_latin(text):
    assert sms.parse(text) == sms.parse("PESC DISP 012-12345678 00325")


@pytest.mark.parametrize("text", [
    "", "   ", "hello", "PESC", "PESC DISP", "PESC DISP 012-12345678", "PESC DISP 12345678 00325",
    "PESC DISP 012-12345678 1 2 3 4", "PESC DISP 012-12345678 12,34,5", "PESC DISP 012-12345678 -5",
    "PESC DISP 012-12345678 1e3", "PESC DISP 012-12345678 пять", "PESC DISP 0123-1 5", "PESC DISP -12345678 5",
    "DISP PESC 012-12345678 5", "ПЕСЦ ДИСП 012-12345678 5", "PESC DISP 012-ABC 5", "PESC DISP 012-1 " + "1" * 500,
])
def test_anything_else_is_malformed_and_answered_with_the_format(text):
    with pytest.raises(replies.Refused) as refused:
        sms.parse(text)
    assert refused.value.answer == replies.SmsAnswer(replies.MALFORMED, replies.MALFORMED_TEXT)
    assert "PESC DISP 012-12345678 00325" in refused.value.answer.reply


ONE = Meter("m1", zones=1, digits=6)
TWO = Meter("m2", zones=2, digits=6)
THREE = Meter("m3", zones=3, digits=6)


def test_values_go_to_the_zones_in_reading_order():
    assert sms.zone_values((ONE,), ("325",)) == (ONE, {"total": "325"})
    assert sms.zone_values((TWO,), ("325", "30")) == (TWO, {"day": "325", "night": "30"})
    assert sms.zone_values((THREE,), ("1", "2", "3")) == (THREE, {"peak": "1", "semi_peak": "2", "night": "3"})


def test_the_meter_is_the_only_one_or_the_only_one_with_as_many_zones():
    assert sms.zone_values((ONE, TWO), ("1", "2"))[0] == TWO
    for meters, values, outcome in [((ONE, Meter("m4", 1, 6)), ("1",), replies.SEVERAL_METERS),
                                    ((ONE, TWO), ("1", "2", "3"), replies.SEVERAL_METERS),
                                    ((), ("1",), replies.NO_METER),
                                    ((TWO,), ("1",), replies.WRONG_ZONES)]:
        with pytest.raises(replies.Refused) as refused:
            sms.zone_values(meters, values)
        assert refused.value.answer.outcome == outcome


def test_a_wrong_number_of_values_says_how_many_and_which():
    assert replies.wrong_zones(2) == "Отправьте 2 числа через пробел: день, ночь."
    assert replies.wrong_zones(3) == "Отправьте 3 числа через пробел: пик, полупик, ночь."


def test_an_accepted_reading_shows_the_values_and_the_preliminary_charge():
    assert replies.accepted({"total": Decimal("325.000")}, 195000) == (
        "Приняты показания 325. Предварительно начислено 1950,00 ₽")
    assert replies.accepted({"day": Decimal("325.500"), "night": Decimal("30.000")}, None) == (
        "Приняты показания день 325,5, ночь 30. Начисление будет в квитанции.")


def test_segments_count_gsm7_and_ucs2():
    assert replies.segments("A" * 160) == 1 and replies.segments("A" * 161) == 2
    assert replies.segments("Я" * 70) == 1 and replies.segments("Я" * 71) == 2 and replies.segments("Я" * 135) == 3


FIXED = [replies.MALFORMED_TEXT, replies.NOT_FOUND_TEXT, replies.SEVERAL_METERS_TEXT, replies.OTHER_REFUSAL,
         *replies.REFUSALS.values(), *(replies.wrong_zones(n) for n in (1, 2, 3)), replies.outside_window(15, 25),
         replies.outside_window(25, 31)]
BIG = Decimal("999999.999")  # the longest a 6-digit dial with 3 decimals shows


@pytest.mark.parametrize("text", FIXED)
def test_every_refusal_fits_one_sms(text):
    assert len(text) <= 70 and replies.segments(text) == 1


@pytest.mark.parametrize("values", [
    {"total": BIG}, {"day": BIG, "night": BIG},
    {"peak": Decimal(123456), "semi_peak": Decimal(123456), "night": Decimal(123456)},
])
@pytest.mark.parametrize("charge", [None, 0, 99_999_99])
def test_an_acceptance_fits_one_sms_up_to_the_longest_values(values, charge):
    """Up to the longest values of a 6-digit dial and a preliminary charge of 99 999,99 ₽."""
    assert replies.segments(replies.accepted(values, charge)) == 1


def test_three_long_fractional_values_with_a_charge_take_at_most_two_parts():
    text = replies.accepted({"peak": BIG, "semi_peak": BIG, "night": BIG}, 1_234_567_89)
    assert replies.segments(text) == 2 and text.startswith("Приняты показания пик 999999,999")
