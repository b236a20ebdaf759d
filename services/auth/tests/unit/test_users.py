"""A user: who may sign in, how failed attempts count, when a code must follow the password, what a
profile may change."""

import datetime as dt

import pytest

from kit.errors import Conflict, InvalidInput, Unauthenticated
from services.auth.domain.users import STEP_UP_AFTER, User

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
def test_an_active_user_may_sign_in():
    assert refusal(customer()) is None


def test_a_user_whose_contact_is_not_confirmed_may_not_sign_in():
    assert refusal(customer(status="pending")) == "not_confirmed"


def test_failures_never_refuse_the_owner():
    assert refusal(customer(failed_logins=STEP_UP_AFTER * 10)) is None


# --- failed attempts and the step-up ---
def test_a_failure_takes_the_count_the_repository_made():
    user = customer(failed_logins=3)
    user.record_failed_sign_in(5)  # two parallel guesses counted meanwhile
    assert user.failed_logins == 5 and user.changed == set()  # already stored by the atomic count


def test_below_the_threshold_the_password_alone_signs_in():
    assert STEP_UP_AFTER == 100
    user = customer()
    user.record_failed_sign_in(STEP_UP_AFTER - 1)
    assert not user.step_up_required


def test_from_the_hundredth_consecutive_failure_on_a_code_must_follow_the_password():
    user = customer()
    user.record_failed_sign_in(STEP_UP_AFTER)
    assert user.step_up_required
    user.record_failed_sign_in(STEP_UP_AFTER + 1000)
    assert user.step_up_required and refusal(user) is None


def test_staff_never_step_up_their_totp_code_is_the_second_factor():
    assert not customer(kind="staff", role="operator", failed_logins=STEP_UP_AFTER * 10).step_up_required


def test_the_sign_in_code_goes_to_the_verified_phone_else_the_email():
    assert customer(email="a@example.ru").step_up_contact() == ("sms", "+79000000001")
    assert customer(phone=None, email="a@example.ru").step_up_contact() == ("email", "a@example.ru")


def test_a_success_ends_the_run_of_failures_and_the_step_up():
    user = customer(failed_logins=STEP_UP_AFTER + 3)
    user.signed_in()
    assert user.failed_logins == 0 and user.changed == {"failed_logins"} and not user.step_up_required


def test_a_success_without_failures_changes_nothing():
    user = customer()
    user.signed_in()
    assert user.changed == set()


def test_recovery_sets_the_password_and_ends_the_run_of_failures():
    user = customer(failed_logins=STEP_UP_AFTER)
    user.recover("new-hash", AT)
    assert (user.password_hash, user.failed_logins, user.password_changed_at) == ("new-hash", 0, AT)
    assert not user.step_up_required


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
