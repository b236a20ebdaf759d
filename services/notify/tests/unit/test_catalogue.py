"""The catalogue (domain/catalogue.py) and the preferences' rules (domain/preferences.py): categories of the
vocabulary, sensible defaults, critical channels locked, a critical notice reaching a customer without e-mail."""

from __future__ import annotations

import pytest
from kabinet_vocabulary import NOTIFICATION_CATEGORY

from kit.errors import InvalidInput, Rejected
from services.notify.domain.catalogue import (
    CATEGORIES,
    KINDS,
    channels_of,
    check_change,
    check_params,
    kind_of,
)
from services.notify.domain.preferences import deliver_by, settings

BOTH = {"sms", "email"}


def test_categories_are_the_vocabulary_in_its_order_and_every_kind_has_one():
    assert tuple(CATEGORIES) == NOTIFICATION_CATEGORY.codes
    assert {k.category for k in KINDS.values()} == set(CATEGORIES)
    for kind in KINDS.values():
        assert set(kind.channels) <= BOTH and kind.channels, kind.code


def test_critical_categories_are_security_legal_invoices_by_email_and_feedback():
    assert {c.code for c in CATEGORIES.values() if c.critical} == {"security", "debt", "invoices", "feedback"}
    assert all(c.locked <= c.default for c in CATEGORIES.values())


def test_defaults_think_of_cost_no_receipt_by_sms_reminders_and_debt_by_sms():
    sms_by_default = {k.code for k in KINDS.values() if "sms" in k.channels and "sms" in CATEGORIES[k.category].default}
    assert sms_by_default == {"readings_due_closing", "debt_overdue"}
    assert "sms" not in KINDS["readings_due_opened"].channels  # one SMS a month: when the window closes
    assert CATEGORIES["news"].default == frozenset() and not KINDS["news_published"].inbox


def test_an_unknown_kind_or_a_missing_parameter_is_a_malformed_notice():
    with pytest.raises(InvalidInput):
        kind_of("reading_eaten")
    with pytest.raises(InvalidInput) as err:
        check_params(KINDS["debt_overdue"], {"due_on": "2026-12-10", "overdue_kop": 1})
    assert err.value.code == "malformed_notice" and "amount_due_kop" in err.value.message
    check_params(KINDS["readings_due_opened"], {"period": "2026-11", "window_from": "a", "window_to": "b"})


def test_a_locked_channel_cannot_be_switched_off_others_can():
    with pytest.raises(Rejected) as err:
        check_change("security", "email", False)
    assert err.value.code == "notification_locked" and "Безопасность" in err.value.message
    check_change("security", "email", True)  # on is what it is anyway
    check_change("security", "sms", False)
    check_change("news", "email", True)
    with pytest.raises(InvalidInput):
        check_change("charges", "sms", True)  # charges never go by SMS
    with pytest.raises(InvalidInput):
        check_change("codes", "sms", False)  # codes are not in the preferences at all


def test_the_matrix_shows_defaults_locks_and_what_the_customer_said():
    matrix = {c.category: {s.channel: s for s in c.channels} for c in settings({("news", "email"): True})}
    assert list(matrix) == list(CATEGORIES)
    assert matrix["news"]["email"].enabled and not matrix["news"]["sms"].enabled
    assert matrix["security"]["email"].locked and matrix["security"]["email"].enabled
    assert not matrix["security"]["sms"].locked and not matrix["security"]["sms"].enabled
    assert set(matrix["charges"]) == {"email"} and channels_of("reminders") == ("sms", "email")


def test_delivery_follows_the_preferences_and_the_contacts_the_customer_has():
    closing = KINDS["readings_due_closing"]
    assert deliver_by(closing, {}, {}, BOTH) == ["sms", "email"]
    assert deliver_by(closing, {}, {("reminders", "sms"): False}, BOTH) == ["email"]
    assert deliver_by(closing, {}, {}, {"email"}) == ["email"]
    accepted = KINDS["reading_accepted"]
    assert deliver_by(accepted, {}, {("readings", "email"): False}, BOTH) == []


def test_a_critical_notice_cannot_be_silenced_and_falls_back_to_sms_without_an_email():
    sign_in = KINDS["new_sign_in"]
    assert deliver_by(sign_in, {}, {("security", "email"): False}, BOTH) == ["email"]  # a stale "off" is ignored
    assert deliver_by(sign_in, {}, {}, {"sms"}) == ["sms"]
    assert deliver_by(sign_in, {}, {}, set()) == []  # the inbox only


def test_an_invoice_is_emailed_only_when_the_account_takes_bills_by_email():
    invoice = KINDS["invoice_issued"]
    assert deliver_by(invoice, {"bill_delivery": "paper_email"}, {}, BOTH) == ["email"]
    assert deliver_by(invoice, {"bill_delivery": "paper"}, {}, BOTH) == []
    assert deliver_by(invoice, {"bill_delivery": "paper"}, {("invoices", "sms"): True}, BOTH) == ["sms"]
    assert deliver_by(invoice, {"bill_delivery": "email"}, {}, {"sms"}) == ["sms"]  # the bill must reach them
