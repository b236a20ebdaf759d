"""Contacts and the supplier's password rules."""

import pytest

from kit.errors import InvalidInput
from services.auth.domain.model import identifier_kind, normalize_phone
from services.auth.domain.passwords import RULES, check_password


@pytest.mark.parametrize("raw", ["+7 (900) 000-00-01", "89000000001", "79000000001", "9000000001"])
def test_phone_forms(raw):
    assert normalize_phone(raw) == "+79000000001"


def test_bad_phone():
    with pytest.raises(InvalidInput):
        normalize_phone("12345")


def test_identifier_kinds():
    assert identifier_kind("a@b.ru") == "email"
    assert identifier_kind("+7 900 000 00 01") == "phone"
    assert identifier_kind("ivanov") == "login"


@pytest.mark.parametrize("password,failed", [
    ("Short1a", "Не менее"), ("alllower1x", "Заглавные"), ("ALLUPPER1X", "Строчные"),
    ("NoDigitsHere", "Цифры"), ("Пароль123Aa", "латинского"), ("Has Space1a", "пробелов"),
])
def test_each_rule_is_named_when_it_fails(password, failed):
    with pytest.raises(InvalidInput) as err:
        check_password(password)
    assert failed in err.value.fields["password"]


def test_a_good_password_passes_every_rule():
    check_password("Kabinet-2026!")
    assert all(rule.passes("Kabinet-2026!") for rule in RULES)


def test_common_passwords_are_refused():
    with pytest.raises(InvalidInput) as err:
        check_password("Password123", common=frozenset({"password123"}))
    assert err.value.code == "common_password"
