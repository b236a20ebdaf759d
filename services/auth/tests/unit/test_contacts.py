"""Phone numbers, e-mail addresses, logins and names; what a sign-in identifier is."""

import pytest

from kit.errors import InvalidInput
from services.auth.domain.contacts import (
    identifier_kind,
    normalize_contact,
    normalize_identifier,
    normalize_login,
    normalize_phone,
)


@pytest.mark.parametrize("raw", ["+7 (900) 000-00-01", "89000000001", "79000000001", "9000000001"])
def test_a_phone_in_any_common_form_is_one_number(raw):
    assert normalize_phone(raw) == "+79000000001"


def test_a_bad_phone_is_refused_under_the_field_that_holds_it():
    with pytest.raises(InvalidInput) as err:
        normalize_phone("12345", "contact_phone")
    assert err.value.code == "invalid_phone" and list(err.value.fields) == ["contact_phone"]


def test_an_identifier_is_an_email_a_phone_or_a_login():
    assert identifier_kind("a@b.ru") == "email"
    assert identifier_kind("+7 900 000 00 01") == "phone"
    assert identifier_kind("ivanov") == "login"


def test_an_identifier_that_names_nobody_has_no_value():
    assert normalize_identifier("IVANOV") == ("login", "ivanov")
    assert normalize_identifier("8 (900) 000-00-01") == ("phone", "+79000000001")
    assert normalize_identifier("x") == ("login", "")
    assert normalize_identifier("@") == ("email", "")


@pytest.mark.parametrize("login", ["iv", "1ivanov", "ivanov!", "a" * 33, "иванов"])
def test_a_login_is_3_to_32_latin_letters_digits_dots_dashes_underscores_from_a_letter(login):
    with pytest.raises(InvalidInput) as err:
        normalize_login(login)
    assert err.value.code == "invalid_login" and list(err.value.fields) == ["login"]


def test_logins_are_case_insensitive():
    assert normalize_login(" Ivan.Petrov_2-x ") == "ivan.petrov_2-x"
    assert normalize_login("a" * 32) == "a" * 32


def test_a_new_contact_is_checked_under_its_public_field():
    assert normalize_contact("email", "New@Example.ru") == "new@example.ru"
    with pytest.raises(InvalidInput) as err:
        normalize_contact("sms", "123")
    assert list(err.value.fields) == ["phone"]
    with pytest.raises(InvalidInput) as err:
        normalize_contact("email", "not-an-email")
    assert list(err.value.fields) == ["email"]
    with pytest.raises(InvalidInput) as err:
        normalize_contact("fax", "1")
    assert err.value.code == "invalid_channel"
