"""What customers read: money, codes, links (the catalogue's texts: test_templates.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from kabinet_vocabulary import BALANCE_STATE

from kit.errors import Rejected
from services.notify.domain.texts import (
    balance_sentence,
    code_message,
    format_kwh,
    format_rub,
)

NNBSP, NBSP = "\u202f", "\u00a0"
AT = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


@pytest.mark.parametrize("kop,text", [
    (0, "0,00"),
    (5, "0,05"),
    (8703, "87,03"),
    (100000, "1\u202f000,00"),
    (123456, "1\u202f234,56"),
    (123456789, "1\u202f234\u202f567,89"),
    (-145075, "\u22121\u202f450,75"),
])
def test_money_is_written_the_russian_way(kop, text):
    assert format_rub(kop) == f"{text}{NBSP}₽"


def test_kwh_keep_their_digits_with_a_decimal_comma():
    assert format_kwh(Decimal("10500.500")) == "10500,500"
    assert format_kwh(Decimal("0.000")) == "0,000"


def code(channel="sms", purpose="registration", code="123456", ttl=600, destination="+79000000001"):
    return code_message(message_id="m1", channel=channel, destination=destination, purpose=purpose, code=code,
                        ttl_seconds=ttl)


def test_registration_code_by_sms():
    m = code()
    assert m.body == "Код подтверждения регистрации: 123456. Никому не сообщайте его."
    assert (m.channel, m.destination, m.subject, m.purpose) == ("sms", "+79000000001", "", "registration")


@pytest.mark.parametrize("purpose", ["registration", "recovery", "contact_change", "already_registered"])
def test_every_sms_fits_one_cyrillic_segment(purpose):
    assert len(code(purpose=purpose, code="" if purpose == "already_registered" else "123456").body) <= 70


def test_recovery_code_by_email_has_a_subject_and_says_how_long_it_lasts():
    m = code(channel="email", purpose="recovery", ttl=900, destination="ivanov@example.ru")
    assert m.subject == "Восстановление пароля"
    assert "Код для восстановления пароля: 123456. Никому не сообщайте его." in m.body
    assert "Код действует 15 мин." in m.body


def test_already_registered_carries_no_code_and_points_to_recovery():
    sms = code(purpose="already_registered", code="")
    assert "уже зарегистрирован" in sms.body and "Забыли пароль" in sms.body
    assert not any(ch.isdigit() for ch in sms.body)
    email = code(channel="email", purpose="already_registered", code="", destination="a@example.ru")
    assert email.subject == "Вы уже зарегистрированы" and "Забыли пароль?" in email.body


def test_an_unknown_purpose_still_delivers_its_code():
    assert code(purpose="something_new").body.startswith("Код подтверждения: 123456.")


@pytest.mark.parametrize("kw,error", [
    ({"channel": "pigeon"}, "unknown_channel"),
    ({"destination": " "}, "no_destination"),
    ({"purpose": "registration", "code": ""}, "no_code"),
])
def test_undeliverable_requests_are_refused(kw, error):
    with pytest.raises(Rejected) as err:
        code(**kw)
    assert err.value.code == error


def test_every_balance_state_of_the_vocabulary_has_words_and_an_unknown_one_none():
    assert all(balance_sentence(state, -1) for state in BALANCE_STATE.codes)
    assert balance_sentence("", -100) == ""


def test_the_contract_confirmation_e_mail_carries_the_link_and_the_number():
    from services.notify.domain.texts import contract_confirmation

    link = "http://127.0.0.1:8080/contracts/confirm?token=abc"
    mail = contract_confirmation(message_id="m1", email="buh@example.ru", contract_number="78078078078000",
                                 link=link)
    assert mail.channel == "email" and mail.destination == "buh@example.ru" and mail.link == link
    assert "78078078078000" in mail.subject and link in mail.body and "24 часа" in mail.body
