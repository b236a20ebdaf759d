"""Account numbers and the proof that binds an account."""

import datetime as dt

import pytest

from kit.errors import InvalidInput
from services.accounts.domain.model import Payment, expected_payment, number_key, proof_matches

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize("typed", ["018\\00028517", "18\\28517", "18-28517", " 018/028517 "])
def test_leading_zeros_may_be_omitted(typed):
    assert number_key(typed) == "18-28517"


def test_a_number_needs_digits():
    with pytest.raises(InvalidInput):
        number_key("абв")


def test_the_last_payment_is_the_proof():
    pays = [Payment(dt.date(2026, 10, 1), 100, "cabinet"), Payment(dt.date(2026, 11, 1), 200, "cabinet")]
    assert expected_payment(pays, TODAY).amount_kop == 200


def test_a_recent_third_party_payment_is_skipped():
    pays = [Payment(dt.date(2026, 10, 1), 100, "cabinet"), Payment(dt.date(2026, 11, 15), 200, "bank")]
    assert expected_payment(pays, TODAY).amount_kop == 100
    older = [Payment(dt.date(2026, 10, 1), 100, "cabinet"), Payment(dt.date(2026, 11, 1), 200, "bank")]
    assert expected_payment(older, TODAY).amount_kop == 200


def test_proof_by_payment_or_meter_number():
    pays = [Payment(dt.date(2026, 11, 1), 145075, "cabinet")]
    assert proof_matches(payments=pays, meter_numbers=[], today=TODAY, paid_on=dt.date(2026, 11, 1),
                         amount_kop=145075)
    assert not proof_matches(payments=pays, meter_numbers=[], today=TODAY, paid_on=dt.date(2026, 11, 1),
                             amount_kop=145076)
    assert proof_matches(payments=[], meter_numbers=["01234567"], today=TODAY, meter_number="1234567")
    assert not proof_matches(payments=[], meter_numbers=["01234567"], today=TODAY, meter_number="")
