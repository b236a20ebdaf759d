"""One-time codes: their format, lifetime, attempts and resends."""

import datetime as dt

import pytest

from kit.errors import InvalidInput, TooManyAttempts
from services.auth.domain.challenges import (
    CODE_MAX_ATTEMPTS,
    MAX_SENDS,
    RESEND_COOLDOWN,
    Challenge,
    Started,
    challenge_ttl,
    check_code_format,
    new_code,
)

AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def challenge(**kw) -> Challenge:
    return Challenge(**{"code_id": "c1", "user_id": "u1", "purpose": "registration", "channel": "sms",
                        "destination": "+79000000001", "code_hash": "h", "expires_at": AT + challenge_ttl(
                            "registration", "sms"), "last_sent_at": AT} | kw)


@pytest.mark.parametrize("code", ["1234", " 123456 ", "12345678"])
def test_a_code_is_4_to_8_digits_with_spaces_around_tolerated(code):
    assert check_code_format(code) == code.strip()


@pytest.mark.parametrize("code", ["", "123", "123456789", "12 34", "x", "１２３４５６"])
def test_anything_else_is_not_a_code(code):
    with pytest.raises(InvalidInput) as err:
        check_code_format(code)
    assert err.value.code == "invalid_code_format" and err.value.fields == {"code": "Код состоит из цифр."}


def test_we_send_six_digits():
    assert len(new_code()) == 6 and new_code().isdigit()


def test_lifetimes_sms_ten_minutes_email_a_day_recovery_half_an_hour():
    assert challenge_ttl("registration", "sms") == dt.timedelta(minutes=10)
    assert challenge_ttl("contact_change", "email") == dt.timedelta(hours=24)
    assert challenge_ttl("recovery", "email") == challenge_ttl("recovery", "sms") == dt.timedelta(minutes=30)


def test_a_sign_in_code_lives_ten_minutes_on_either_channel():
    assert challenge_ttl("sign_in", "sms") == challenge_ttl("sign_in", "email") == dt.timedelta(minutes=10)


def test_a_challenge_is_in_its_cooldown_for_a_minute_after_each_send():
    assert challenge().in_cooldown(AT + RESEND_COOLDOWN - dt.timedelta(seconds=1))
    assert not challenge().in_cooldown(AT + RESEND_COOLDOWN)
    assert challenge(sends=MAX_SENDS).in_cooldown(AT)  # even when no resend is left


def test_a_code_opens_until_spent_expired_or_out_of_attempts():
    assert challenge().usable(AT)
    assert not challenge(consumed_at=AT).usable(AT)
    assert not challenge().usable(AT + dt.timedelta(minutes=10))
    assert not challenge(attempts=CODE_MAX_ATTEMPTS).usable(AT)
    assert not challenge(user_id=None).usable(AT)  # a decoy never opens


def test_a_resend_waits_for_the_cooldown():
    with pytest.raises(TooManyAttempts) as err:
        challenge().check_resend(AT + dt.timedelta(seconds=20))
    assert err.value.code == "resend_too_soon" and err.value.retry_after == 40
    challenge().check_resend(AT + RESEND_COOLDOWN)


def test_a_challenge_is_sent_at_most_five_times():
    with pytest.raises(TooManyAttempts) as err:
        challenge(sends=MAX_SENDS).check_resend(AT + dt.timedelta(hours=1))
    assert err.value.code == "resend_limit"


def test_a_resend_is_a_fresh_code_with_fresh_attempts_and_lifetime():
    c = challenge(attempts=3)
    later = AT + dt.timedelta(minutes=5)
    c.reissue("h2", None, later)
    assert (c.code_hash, c.attempts, c.sends, c.last_sent_at, c.expires_at) == \
        ("h2", 0, 2, later, later + dt.timedelta(minutes=10))


def test_a_notice_answers_like_a_registration():
    assert Started.of("c1", "already_registered", "sms") == Started.of("c1", "registration", "sms")
    assert Started.of("c1", "recovery", "email", "contact").channel == "contact"
