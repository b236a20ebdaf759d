"""A user: who may sign in, how failed attempts count, what a profile may change."""

import datetime as dt

import pytest

from kit.errors import Conflict, InvalidInput, Unauthenticated
from services.auth.domain.users import MAX_CONSECUTIVE_FAILURES, User

AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def customer(**kw) -> User:
    return User(**{"user_id": "u1", "kind": "person", "status": "active", "password_hash": "h",
                   "phone": "+79000000001"} | kw)


def refusal(user: User) -> str | None:
    try:
        user.check_may_sign_in()
    except Unauthenticated as err:
        return err.code
    return None


# --- sign-in permission ---
def test_an_active_unlocked_user_may_sign_in():
    assert refusal(customer()) is None


def test_a_user_whose_contact_is_not_confirmed_may_not_sign_in():
    assert refusal(customer(status="pending")) == "not_confirmed"


def test_a_locked_user_may_not_sign_in_and_hears_about_the_lock_first():
    assert refusal(customer(locked_at=AT)) == "account_locked"
    assert refusal(customer(locked_at=AT, status="pending")) == "account_locked"


# --- failed attempts and the lock ---
def test_failures_below_the_limit_only_count():
    user = customer()
    assert user.record_failed_sign_in(MAX_CONSECUTIVE_FAILURES - 1, AT) is False
    assert user.locked_at is None and user.failed_logins == MAX_CONSECUTIVE_FAILURES - 1
    assert refusal(user) is None


def test_the_hundredth_consecutive_failure_locks_the_account():
    user = customer()
    assert MAX_CONSECUTIVE_FAILURES == 100
    assert user.record_failed_sign_in(100, AT) is True
    assert user.locked_at == AT and "locked_at" in user.changed
    assert refusal(user) == "account_locked"


def test_failures_after_the_lock_do_not_lock_again():
    user = customer(locked_at=AT)
    assert user.record_failed_sign_in(100, AT + dt.timedelta(hours=1)) is False
    assert user.record_failed_sign_in(101, AT + dt.timedelta(hours=1)) is False
    assert user.locked_at == AT


def test_a_success_ends_the_run_of_failures():
    user = customer(failed_logins=3)
    user.signed_in()
    assert user.failed_logins == 0 and user.changed == {"failed_logins"}


def test_a_success_without_failures_changes_nothing():
    user = customer()
    user.signed_in()
    assert user.changed == set()


def test_recovery_sets_the_password_and_lifts_the_lock():
    user = customer(locked_at=AT, failed_logins=100)
    user.recover("new-hash", AT)
    assert (user.password_hash, user.locked_at, user.failed_logins, user.password_changed_at) == \
        ("new-hash", None, 0, AT)
    assert refusal(user) is None


def test_a_staff_totp_code_is_remembered_so_it_works_once():
    user = customer(kind="staff", role="operator", failed_logins=2)
    user.used_totp(123, AT)
    assert (user.totp_last_step, user.totp_confirmed_at, user.failed_logins) == (123, AT, 0)
    user.used_totp(124, AT + dt.timedelta(days=1))
    assert user.totp_confirmed_at == AT


# --- who this is ---
def test_only_staff_have_roles():
    assert customer(kind="staff", role="admin").roles == ("admin",)
    assert customer(role="admin").roles == ()


def test_an_organization_is_onboarded_once_surname_first_name_and_phone_are_known():
    org = customer(kind="organization", phone=None, email="org@example.ru", surname="Иванова", first_name="Анна")
    assert org.onboarding_required
    org.edit_profile({"contact_phone": "8 900 000 00 09"})
    assert not org.onboarding_required and org.contact_phone == "+79000000009"
    assert not customer().onboarding_required


def test_notices_go_to_the_email_if_there_is_one():
    assert customer().primary_contact() == ("sms", "+79000000001")
    assert customer(email="a@example.ru").primary_contact() == ("email", "a@example.ru")


# --- activation and profile ---
def test_activation_sets_the_requested_login_when_it_is_still_free():
    user = customer(status="pending", requested_login="ivanov")
    assert user.activate(requested_login_free=True) is False
    assert (user.status, user.login, user.requested_login) == ("active", "ivanov", None)


def test_activation_without_a_taken_login_says_so():
    user = customer(status="pending", requested_login="ivanov")
    assert user.activate(requested_login_free=False) is True
    assert (user.status, user.login) == ("active", None)


def test_profile_names_are_checked_under_their_public_field():
    with pytest.raises(InvalidInput) as err:
        customer().edit_profile({"first_name": "А" * 101})
    assert err.value.code == "invalid_name" and list(err.value.fields) == ["first_name"]
    with pytest.raises(InvalidInput) as err:
        customer().edit_profile({"contact_phone": "12345"})
    assert err.value.code == "invalid_phone" and list(err.value.fields) == ["contact_phone"]


def test_an_empty_patronymic_clears_it():
    user = customer(patronymic="Петровна")
    assert user.edit_profile({"patronymic": " "}) and user.patronymic is None


def test_a_login_is_chosen_once():
    user = customer()
    with pytest.raises(Conflict) as err:
        user.choose_login("petrov", is_taken=lambda login: True)
    assert err.value.code == "login_taken"
    user.choose_login("Petrov", is_taken=lambda login: False)
    assert user.login == "petrov"
    with pytest.raises(Conflict) as err:
        user.choose_login("petrov2", is_taken=lambda login: False)
    assert err.value.code == "login_immutable"


def test_a_new_contact_must_differ_and_replaces_the_old_one():
    user = customer()
    with pytest.raises(InvalidInput) as err:
        user.check_new_contact("sms", "+79000000001")
    assert err.value.code == "same_contact" and list(err.value.fields) == ["phone"]
    assert user.replace_contact("sms", "+79000000002") == "+79000000001"
    assert user.replace_contact("email", "a@example.ru") == ""
