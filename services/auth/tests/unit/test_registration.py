"""The registration form: kind, exactly one contact, the terms, an optional login."""

import pytest

from kit.errors import InvalidInput
from services.auth.domain.registration import TERMS_VERSION, registration

FORM = {"kind": "", "phone": "8 900 111-22-33", "email": "", "terms_accepted": True, "login": "",
        "marketing_consent": True}


def error(**kw) -> tuple[str, list[str]]:
    with pytest.raises(InvalidInput) as err:
        registration(**FORM | kw)
    return err.value.code, list(err.value.fields)


def test_a_household_registers_by_phone_and_records_the_terms_in_force():
    form = registration(**FORM)
    assert (form.kind, form.channel, form.destination, form.column) == ("person", "sms", "+79001112233", "phone")
    assert form.terms_version == TERMS_VERSION and form.requested_login is None


def test_the_terms_must_be_accepted():
    assert error(terms_accepted=False) == ("terms_not_accepted", ["terms_accepted"])


def test_exactly_one_of_phone_and_email():
    assert error(phone="", email="") == ("invalid_contact", ["phone"])
    assert error(email="a@example.ru") == ("invalid_contact", ["phone"])


def test_kind_is_person_or_organization():
    assert error(kind="staff") == ("invalid_kind", ["kind"])


def test_an_organization_registers_by_email():
    assert error(kind="organization") == ("invalid_email", ["email"])
    form = registration(**FORM | {"kind": "organization", "phone": "", "email": "Org@Example.RU"})
    assert (form.channel, form.destination) == ("email", "org@example.ru")


def test_a_chosen_login_is_checked_and_kept_for_confirmation():
    assert registration(**FORM | {"login": "Ivanov"}).requested_login == "ivanov"
    assert error(login="1x") == ("invalid_login", ["login"])


def test_a_new_pending_user_holds_the_form():
    user = registration(**FORM).new_user("u1", "hash")
    assert (user.status, user.phone, user.terms_version, user.marketing_consent) == \
        ("pending", "+79001112233", TERMS_VERSION, True)
