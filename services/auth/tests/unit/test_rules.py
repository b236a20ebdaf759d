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


def test_the_common_list_holds_at_least_ten_thousand_and_matches_case_insensitively():
    from services.auth.domain.passwords import common_passwords

    assert len(common_passwords()) >= 10_000
    for password in ("Password1", "Qwerty123", "Iloveyou1"):
        with pytest.raises(InvalidInput) as err:
            check_password(password)
        assert err.value.code == "common_password"


def test_long_passwords_are_allowed_up_to_the_limit():
    check_password("Aa1-" + "x" * 60)  # 64
    check_password("Aa1-" + "x" * 124)  # 128
    with pytest.raises(InvalidInput):
        check_password("Aa1-" + "x" * 125)


def test_totp_matches_rfc_6238_and_refuses_replay():
    import base64

    from services.auth.domain import totp

    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, 59 // 30) == "287082"  # RFC 6238 appendix B, SHA-1, 6 digits
    step = totp.matching_step(secret, "287082", 59.0, None)
    assert step == 1 and totp.matching_step(secret, "287082", 59.0, last_step=1) is None


def test_session_policy_and_onboarding():
    from services.auth.domain import model

    assert model.SessionPolicy.for_sign_in("person", True).lifetime.days == 30
    assert model.SessionPolicy.for_sign_in("staff", True).lifetime.total_seconds() == 8 * 3600
    assert model.onboarding_required("organization", "Иванова", "Анна", None)
    assert not model.onboarding_required("organization", "Иванова", "Анна", "+79000000001")
    assert not model.onboarding_required("person", None, None, None)
