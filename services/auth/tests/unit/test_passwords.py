"""The supplier's password rules and the list of common passwords."""

import pytest

from kit.errors import InvalidInput
from services.auth.domain.passwords import (
    RULES,
    check_entered_password,
    check_password,
    check_password_change,
    common_passwords,
)


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
    assert len(common_passwords()) >= 10_000
    for password in ("Password1", "Qwerty123", "Iloveyou1"):
        with pytest.raises(InvalidInput) as err:
            check_password(password)
        assert err.value.code == "common_password"


def test_long_passwords_are_allowed_up_to_the_limit():
    check_password("Aa1-" + "x" * 60)  # 64
    check_password("Aa1-" + "x" * 124)  # 128
    with pytest.raises(InvalidInput) as err:
        check_password("Aa1-" + "x" * 125, field="new_password")
    assert err.value.code == "weak_password" and list(err.value.fields) == ["new_password"]


def test_an_entered_password_is_no_longer_than_any_password_can_be():
    check_entered_password("x" * 128)
    with pytest.raises(InvalidInput) as err:
        check_entered_password("x" * 129, "old_password")
    assert err.value.code == "password_too_long" and list(err.value.fields) == ["old_password"]


def test_a_new_password_differs_from_the_current_one():
    with pytest.raises(InvalidInput) as err:
        check_password_change("Kabinet-2026!", "Kabinet-2026!")
    assert err.value.code == "same_password" and list(err.value.fields) == ["new_password"]
    with pytest.raises(InvalidInput) as err:
        check_password_change("Kabinet-2026!", "short")
    assert list(err.value.fields) == ["new_password"]
