"""The autopay's confirmation e-mail (services/notify/domain/texts.py; its failure is a catalogue notice)."""

from __future__ import annotations

import pytest

from kit.errors import Rejected
from services.notify.domain import texts


def confirmation(**kw):
    values = dict(message_id="m-1", email="ivanov@example.ru", account_number="76-00000001",
                  card_title="Bank card *4477", day=15, mode="amount_due", amount_kop=0, cap_kop=500_000,
                  link="http://127.0.0.1:8080/autopay/confirm?token=abc") | kw
    return texts.autopay_confirmation(**values)


def test_the_confirmation_says_what_will_be_charged_and_carries_the_link():
    mail = confirmation()
    assert mail.destination == "ivanov@example.ru" and mail.purpose == "autopay_confirmation"
    assert "76-00000001" in mail.subject
    assert "15-го числа" in mail.body and "Bank card *4477" in mail.body and "сумма к оплате" in mail.body
    assert "5\u202f000,00\u00a0₽" in mail.body and "/autopay/confirm?token=abc" in mail.body
    assert "24 часа" in mail.body


def test_a_fixed_amount_is_named():
    assert "фиксированная сумма 1\u202f500,00\u00a0₽" in confirmation(mode="fixed", amount_kop=150_000).body


def test_the_link_must_be_http_and_the_address_given():
    with pytest.raises(Rejected):
        confirmation(link="javascript:alert(1)")
    with pytest.raises(Rejected):
        confirmation(email=" ")
