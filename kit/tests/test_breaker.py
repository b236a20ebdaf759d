"""The circuit breaker: opens after failures in a row or at once for the provider's announced break, lets one
trial through when the time is up, closes on its success and reopens on its failure."""

from __future__ import annotations

import pytest

from kit.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_it_opens_after_failures_in_a_row_and_a_success_resets_the_count():
    clock = Clock()
    breaker = CircuitBreaker("p", failure_threshold=3, reset_after=30, clock=clock)
    breaker.failure()
    breaker.failure()
    breaker.success()
    breaker.failure()
    breaker.failure()
    assert breaker.state == CLOSED and breaker.allow()
    breaker.failure()
    assert breaker.state == OPEN and not breaker.allow()
    assert breaker.open_for() == pytest.approx(30)


def test_one_trial_after_the_pause_closes_or_reopens():
    clock = Clock()
    breaker = CircuitBreaker("p", failure_threshold=1, reset_after=10, clock=clock)
    breaker.failure()
    clock.now += 10
    assert breaker.state == HALF_OPEN
    assert breaker.allow() and not breaker.allow()  # one trial at a time
    breaker.failure()
    assert breaker.state == OPEN
    clock.now += 10
    assert breaker.allow()
    breaker.success()
    assert breaker.state == CLOSED and breaker.allow() and breaker.allow()


def test_the_provider_s_break_opens_it_at_once_for_that_long_with_a_ceiling():
    clock = Clock()
    breaker = CircuitBreaker("p", failure_threshold=5, reset_after=10, max_open=600, clock=clock)
    breaker.failure(retry_after=120)
    assert breaker.state == OPEN and breaker.open_for() == pytest.approx(120)
    breaker.success()
    breaker.failure(retry_after=86400)
    assert breaker.open_for() == pytest.approx(600)


def test_nonsense_settings_are_refused():
    with pytest.raises(ValueError):
        CircuitBreaker("p", failure_threshold=0)
