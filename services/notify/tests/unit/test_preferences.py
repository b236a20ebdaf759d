"""Preferences as the customer changes them, and the e-mail's one-click unsubscribe: signed, once, only its
category's e-mails, never a critical one."""

from __future__ import annotations

import pytest

from kit.errors import InvalidInput, Rejected
from services.notify.domain.unsubscribe import UnsubscribeSigner, Unsubscription
from services.notify.service_layer.preferences import (
    describe_unsubscribe,
    get_preferences,
    unsubscribe,
    update_preferences,
)
from services.notify.tests.unit.catalogue_fakes import LINKS, CatalogueUoW, new_id

SIGNER = LINKS.signer


def matrix(categories):
    return {(c.category, s.channel): (s.enabled, s.locked) for c in categories for s in c.channels}


def token(user_id, category="reminders", message_id=None):
    return SIGNER.sign(Unsubscription(user_id, category, "email", message_id or new_id()))


def test_a_customer_switches_channels_and_gets_the_whole_matrix_back():
    uow, user = CatalogueUoW(), new_id()
    assert matrix(get_preferences(uow, user_id=user))[("news", "email")] == (False, False)
    after = matrix(update_preferences(uow, user_id=user, changes=[("news", "email", True), ("reminders", "sms", False)]))
    assert after[("news", "email")] == (True, False) and after[("reminders", "sms")] == (False, False)
    assert after[("reminders", "email")] == (True, False) and uow.commits == 1


def test_a_critical_channel_cannot_be_switched_off_and_nothing_of_the_request_is_kept():
    uow, user = CatalogueUoW(), new_id()
    with pytest.raises(Rejected) as err:
        update_preferences(uow, user_id=user, changes=[("news", "email", True), ("debt", "email", False)])
    assert err.value.code == "notification_locked" and "нельзя отключить" in err.value.message
    assert uow.preferences.said == {} and uow.commits == 0
    with pytest.raises(InvalidInput):
        update_preferences(uow, user_id=user, changes=[("spam", "email", True)])


def test_the_unsubscribe_token_is_signed_and_names_one_email_category():
    t = token("9f0e2c4e-1111-4222-8333-444455556666", message_id="0b9c6f0e-1d7e-4a5e-9a57-3f2f1c1a2b3c")
    u = SIGNER.verify(t)
    assert (u.user_id, u.category, u.channel) == ("9f0e2c4e-1111-4222-8333-444455556666", "reminders", "email")
    body, mac = t.split(".")
    for bad in (f"{body}.{mac[:-2]}AA", f"{body[:-2]}AA.{mac}", "", "x.y", t + "."):
        with pytest.raises(InvalidInput) as err:
            SIGNER.verify(bad)
        assert err.value.code == "unsubscribe_invalid"
    with pytest.raises(InvalidInput):
        UnsubscribeSigner("another secret").verify(t)


def test_one_click_switches_only_its_category_off_once():
    uow, user = CatalogueUoW(), new_id()
    update_preferences(uow, user_id=user, changes=[("news", "email", True)])
    link = token(user, "news")
    before = describe_unsubscribe(uow, SIGNER, link)
    assert (before.category, before.category_title, before.used, before.enabled) == ("news", "Новости", False, True)
    done = unsubscribe(uow, SIGNER, link)
    assert (done.category, done.enabled) == ("news", False)
    with pytest.raises(Rejected) as err:
        unsubscribe(uow, SIGNER, link)
    assert err.value.code == "unsubscribe_used"
    assert describe_unsubscribe(uow, SIGNER, link).used
    after = matrix(get_preferences(uow, user_id=user))
    assert after[("news", "email")] == (False, False)
    assert after[("reminders", "email")] == (True, False) and after[("news", "sms")] == (False, False)


def test_a_critical_category_is_never_unsubscribed():
    with pytest.raises(Rejected) as err:
        unsubscribe(CatalogueUoW(), SIGNER, token(new_id(), "security"))
    assert err.value.code == "notification_locked"
