"""Автоплатёж: the rules of its settings and its monthly charge (services/payments/domain/autopay.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import Forbidden, InvalidInput, NotFound, Rejected
from services.payments.domain import autopay as rules

NOW = dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)
CARD = rules.Card("card-1", "user-1", "pm-1", "Bank card *4477", "4477", "555555", "12", "2030", "MasterCard")


def settings(**kw) -> rules.Settings:
    values = dict(card_id="card-1", day=15, mode="amount_due", amount_kop=0, cap_kop=500_000) | kw
    return rules.Settings(**values)


def autopay(*, enabled=True, activated=NOW - dt.timedelta(days=40), **kw) -> rules.Autopay:
    return rules.Autopay(account_id="acc-1", user_id="user-1", settings=settings(**kw), enabled=enabled,
                         off_reason="", activated_at=activated)


@pytest.mark.parametrize("day", [0, 29, 31, -1])
def test_day_is_1_to_28_so_every_month_has_it(day):
    with pytest.raises(InvalidInput) as e:
        rules.validate(settings(day=day))
    assert "day" in e.value.fields


@pytest.mark.parametrize("day", [1, 28])
def test_days_1_and_28_are_allowed(day):
    assert rules.validate(settings(day=day)).day == day


def test_fixed_amount_is_positive_and_within_the_cap():
    rules.validate(settings(mode="fixed", amount_kop=300_000, cap_kop=300_000))
    for amount in (0, 300_001):
        with pytest.raises(InvalidInput) as e:
            rules.validate(settings(mode="fixed", amount_kop=amount, cap_kop=300_000))
        assert "amount_kop" in e.value.fields


def test_unknown_mode_and_nonpositive_cap_are_refused_together():
    with pytest.raises(InvalidInput) as e:
        rules.validate(settings(mode="weekly", cap_kop=0))
    assert {"mode", "cap_kop"} <= set(e.value.fields)


def test_step_up_window_is_five_minutes():
    rules.require_step_up(int((NOW - dt.timedelta(minutes=5)).timestamp()), NOW)
    with pytest.raises(Forbidden) as e:
        rules.require_step_up(int((NOW - dt.timedelta(minutes=5, seconds=1)).timestamp()), NOW)
    assert e.value.code == "step_up_required"
    assert "парол" in e.value.message


def test_a_token_without_auth_time_needs_a_step_up():
    with pytest.raises(Forbidden):
        rules.require_step_up(0, NOW)


def test_a_confirmed_email_is_needed():
    with pytest.raises(Rejected) as e:
        rules.require_confirmed_email(False)
    assert e.value.code == "email_not_confirmed"


def test_only_the_callers_own_card():
    assert rules.require_own_card(CARD, "user-1") is CARD
    for card, user in ((CARD, "user-2"), (None, "user-1")):
        with pytest.raises(NotFound):
            rules.require_own_card(card, user)


def test_switching_on_or_another_card_needs_the_email_link_amount_day_cap_do_not():
    assert rules.needs_confirmation(None, settings())
    assert rules.needs_confirmation(autopay(enabled=False), settings())
    assert rules.needs_confirmation(autopay(), settings(card_id="card-2"))
    assert not rules.needs_confirmation(autopay(), settings(day=3, cap_kop=1000, mode="fixed", amount_kop=900))


def test_due_from_its_day_in_the_month():
    a = autopay(day=15)
    assert not rules.is_due(a, dt.date(2026, 12, 14), dt.date(2026, 11, 1))
    assert rules.is_due(a, dt.date(2026, 12, 15), dt.date(2026, 11, 1))
    assert rules.is_due(a, dt.date(2026, 12, 31), dt.date(2026, 11, 1))  # caught up after a missed day
    assert not rules.is_due(autopay(enabled=False), dt.date(2026, 12, 15), dt.date(2026, 11, 1))


def test_switched_on_after_its_day_it_starts_next_month():
    a = autopay(day=10)
    assert not rules.is_due(a, dt.date(2026, 12, 20), dt.date(2026, 12, 12))
    assert rules.is_due(a, dt.date(2027, 1, 10), dt.date(2026, 12, 12))
    assert rules.is_due(a, dt.date(2026, 12, 10), dt.date(2026, 12, 10))  # on the day itself


def test_day_28_exists_in_february():
    assert rules.due_date(settings(day=28), dt.date(2027, 2, 1)) == dt.date(2027, 2, 28)
    assert rules.period_of(dt.date(2027, 2, 28)) == dt.date(2027, 2, 1)


def test_amount_due_pays_energy_then_penalties():
    assert rules.amounts(settings(), energy_due_kop=120_000, penalties_due_kop=3_000) == (120_000, 3_000)


def test_amount_due_is_capped_energy_first():
    s = settings(cap_kop=100_000)
    assert rules.amounts(s, energy_due_kop=120_000, penalties_due_kop=3_000) == (100_000, 0)
    assert rules.amounts(s, energy_due_kop=99_000, penalties_due_kop=3_000) == (99_000, 1_000)


def test_fixed_pays_its_amount_the_rest_as_prepayment():
    s = settings(mode="fixed", amount_kop=150_000, cap_kop=200_000)
    assert rules.amounts(s, energy_due_kop=100_000, penalties_due_kop=2_000) == (148_000, 2_000)
    assert rules.amounts(s, energy_due_kop=300_000, penalties_due_kop=0) == (150_000, 0)


def test_nothing_due_skips_the_month_in_either_mode():
    assert rules.amounts(settings(), energy_due_kop=0, penalties_due_kop=0) == (0, 0)
    assert rules.amounts(settings(mode="fixed", amount_kop=1000), energy_due_kop=0, penalties_due_kop=0) == (0, 0)


def test_idempotency_key_is_account_period_attempt():
    run = rules.AutopayRun("acc-1", dt.date(2026, 12, 1), rules.CHARGING, 2)
    assert run.idempotency_key == "autopay:acc-1:2026-12:2"


def test_failures_retry_with_backoff_then_fail():
    run = rules.AutopayRun("acc-1", dt.date(2026, 12, 1), rules.CHARGING, 1)
    first = rules.after_failure(run, "general_decline", NOW)
    assert (first.status, first.next_attempt_at) == (rules.RETRY, NOW + rules.BACKOFF[0])
    second = rules.after_failure(rules.AutopayRun("acc-1", dt.date(2026, 12, 1), rules.CHARGING, 2), "x", NOW)
    assert second.next_attempt_at == NOW + rules.BACKOFF[1]
    last = rules.after_failure(rules.AutopayRun("acc-1", dt.date(2026, 12, 1), rules.CHARGING, rules.MAX_ATTEMPTS),
                               "insufficient_funds", NOW)
    assert (last.status, last.reason, last.next_attempt_at) == (rules.FAILED, "insufficient_funds", None)


def test_failure_message_is_russian():
    assert rules.failure_message("insufficient_funds").startswith("недостаточно средств")
    assert "недоступен" in rules.failure_message(rules.PROVIDER_UNAVAILABLE)
