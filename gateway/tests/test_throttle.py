"""Rate limits and the failed sign-in guard (progressive, never a hard lock)."""

from __future__ import annotations

import pytest
from flask import Flask

from gateway.store import MemoryStore
from gateway.throttle import RateLimited, SignInGuard, Throttle


@pytest.fixture
def ctx():
    with Flask(__name__).test_request_context():
        yield


def test_a_limit_refuses_past_its_window_with_retry_after(ctx):
    throttle = Throttle("memory://", {"send_destination": "3/10minutes"}, secret="s")
    for _ in range(3):
        throttle.hit("send_destination", "phone-a")
    with pytest.raises(RateLimited) as refused:
        throttle.hit("send_destination", "phone-a")
    assert 0 < refused.value.retry_after <= 600
    throttle.hit("send_destination", "phone-b")  # another key has its own budget


def test_unknown_limit_names_are_a_configuration_error():
    with pytest.raises(ValueError):
        Throttle("memory://", {"no_such_limit": "1/minute"})


def test_identity_keys_are_normalised_and_not_stored_in_clear():
    throttle = Throttle("memory://", secret="s")
    assert throttle.key("+7 (911) 555-01-01") == throttle.key("89115550101") == throttle.key("+79115550101")
    assert throttle.key("Ivan@Example.RU ") == throttle.key("ivan@example.ru")
    assert "9115550101" not in throttle.key("+79115550101")
    assert Throttle("memory://", secret="other").key("ivan@example.ru") != throttle.key("ivan@example.ru")


def test_failed_sign_ins_ask_for_a_captcha_then_delay_only_the_failing_ip():
    guard = SignInGuard(MemoryStore(), Throttle("memory://", secret="s"))
    assert guard.check("+79110000001", "10.0.0.1") is False
    for _ in range(3):
        guard.failed("+79110000001", "10.0.0.1")
    assert guard.check("+79110000001", "10.0.0.1") is True  # captcha for the identity, from any IP
    assert guard.check("+79110000001", "10.0.0.2") is True
    guard.failed("+79110000001", "10.0.0.1")
    guard.failed("+79110000001", "10.0.0.1")  # 5th from this IP: a delay starts
    with pytest.raises(RateLimited) as delayed:
        guard.check("+79110000001", "10.0.0.1")
    assert delayed.value.code == "signin_throttled"
    assert guard.check("+79110000001", "10.0.0.2") is True  # the owner elsewhere: captcha, no wait
    guard.succeeded("+79110000001", "10.0.0.2")
    assert guard.check("+79110000001", "10.0.0.2") is False


def test_many_failures_from_one_ip_need_a_captcha_for_every_identity():
    guard = SignInGuard(MemoryStore(), Throttle("memory://", secret="s"))
    for i in range(10):
        guard.failed(f"user{i}", "10.0.0.9")
    assert guard.check("someone-else", "10.0.0.9") is True
    assert guard.check("someone-else", "10.0.0.8") is False


def test_delays_grow_and_are_capped():
    store = MemoryStore()
    guard = SignInGuard(store, Throttle("memory://", secret="s"))
    for _ in range(30):
        guard.failed("victim", "10.0.0.1")
    wait = guard._keys("victim", "10.0.0.1")[3]
    assert 0 < store.ttl(wait) <= SignInGuard.MAX_DELAY
