"""Browser sessions: encrypted records, one refresh at a time, cookies, CSRF and Origin checks."""

from __future__ import annotations

import threading
import time

import pytest

from gateway import sessions
from gateway.sessions import BrowserSessions
from gateway.store import MemoryStore
from kit.errors import Unauthenticated


class FakeAuth:
    def __init__(self, signer) -> None:
        self.signer = signer
        self.calls = 0
        self.refused = False

    def refresh(self, token: str):
        self.calls += 1
        time.sleep(0.05)
        if self.refused:
            raise Unauthenticated(code="refresh_reused")
        return self.signer.pair(refresh=f"r-{self.calls + 1}")


def test_the_store_holds_neither_tokens_nor_the_cookie_in_clear(signer):
    store = MemoryStore()
    browser = BrowserSessions(store, "secret", FakeAuth(signer).refresh)
    sid, record = browser.start(signer.pair(refresh="refresh-token-xyz"), "customer")
    [(key, (blob, _))] = store._data.items()
    assert sid not in key and b"refresh-token-xyz" not in blob and record.access.encode() not in blob
    assert browser.load(sid).refresh == "refresh-token-xyz"
    assert browser.load(sid[:-1] + ("A" if sid[-1] != "A" else "B")) is None
    assert BrowserSessions(store, "other-secret", None).load(sid) is None


def test_every_sign_in_gets_a_new_session_id(signer):
    browser = BrowserSessions(MemoryStore(), "secret", None)
    assert browser.start(signer.pair(), "customer")[0] != browser.start(signer.pair(), "customer")[0]


def test_a_nearly_expired_access_token_is_refreshed_once_for_parallel_requests(signer):
    auth = FakeAuth(signer)
    browser = BrowserSessions(MemoryStore(), "secret", auth.refresh)
    sid, first = browser.start(signer.pair(access_ttl=5), "customer")
    results = []
    threads = [threading.Thread(target=lambda: results.append(browser.current(sid, "customer"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert auth.calls == 1
    assert all(r is not None for r in results)
    assert browser.load(sid).refresh == "r-2" and browser.load(sid).csrf == first.csrf


def test_a_refused_refresh_ends_the_browser_session(signer):
    auth = FakeAuth(signer)
    auth.refused = True
    browser = BrowserSessions(MemoryStore(), "secret", auth.refresh)
    sid, _ = browser.start(signer.pair(access_ttl=5), "customer")
    assert browser.current(sid, "customer") is None
    assert browser.load(sid) is None


def test_a_session_of_one_audience_is_not_one_of_the_other(signer):
    browser = BrowserSessions(MemoryStore(), "secret", None)
    sid, _ = browser.start(signer.pair(kind="staff"), "staff")
    assert browser.current(sid, "customer") is None
    assert browser.current(sid, "staff") is not None


def test_cookies_are_host_prefixed_and_secure_over_https(app, signer):
    record = sessions.Record.from_pair(signer.pair(remember=True), "customer")
    with app.test_request_context("/", base_url="https://cabinet.example"):
        response = app.response_class()
        sessions.set_cookies(response, "sid", record)
        cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("__Host-kabinet_session="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Path=/" in session_cookie and "Domain" not in session_cookie and "Max-Age=" in session_cookie
    csrf_cookie = next(c for c in cookies if c.startswith("__Host-kabinet_csrf="))
    assert "HttpOnly" not in csrf_cookie


def test_dev_over_plain_http_drops_the_prefix_and_the_secure_flag_only(app, signer):
    record = sessions.Record.from_pair(signer.pair(), "customer")
    with app.test_request_context("/", base_url="http://127.0.0.1:8080"):
        response = app.response_class()
        sessions.set_cookies(response, "sid", record)
        session_cookie = response.headers.getlist("Set-Cookie")[0]
    assert session_cookie.startswith("kabinet_session=") and "Secure" not in session_cookie
    assert "HttpOnly" in session_cookie and "Max-Age" not in session_cookie  # browser-session cookie


def test_prod_cookies_are_secure_even_behind_a_plain_http_hop(make_app, signer):
    app = make_app(profile="prod", secret_key="k" * 32)
    with app.test_request_context("/", base_url="http://10.0.0.5"):
        assert sessions.secure_cookies() is True
        assert sessions.cookie_names("staff") == ("__Host-kabinet_staff_session", "__Host-kabinet_staff_csrf")


@pytest.mark.parametrize("headers, refused", [
    ({"Origin": "https://evil.example"}, True),
    ({"Referer": "https://evil.example/page"}, True),
    ({"Origin": "http://localhost"}, False),
    ({}, False),
])
def test_unsafe_requests_from_another_origin_are_refused(app, headers, refused):
    from kit.errors import Forbidden

    with app.test_request_context("/api/v1/auth/login", method="POST", headers=headers):
        if refused:
            with pytest.raises(Forbidden):
                sessions.check_origin()
        else:
            sessions.check_origin()
