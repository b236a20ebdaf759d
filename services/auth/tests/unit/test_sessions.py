"""Sessions: lifetimes, idleness, refresh-token rotation and reuse."""

import datetime as dt

import pytest

from kit.errors import Unauthenticated
from services.auth.domain.sessions import RefreshReused, RefreshToken, Session, SessionPolicy

AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def opened(kind="person", remember_me=False) -> Session:
    return Session.open("s1", "u1", kind, remember_me=remember_me, device="Firefox" * 50, ip="10.0.0.1",
                        method="password", at=AT)


def test_remember_me_lasts_thirty_days_a_browser_session_twelve_hours():
    assert SessionPolicy.for_sign_in("person", True) == SessionPolicy(dt.timedelta(days=30), dt.timedelta(days=14))
    assert SessionPolicy.for_sign_in("person", False) == SessionPolicy(dt.timedelta(hours=12), dt.timedelta(hours=1))


def test_staff_sessions_last_eight_hours_and_are_never_remembered():
    session = opened("staff", remember_me=True)
    assert not session.remember and session.expires_at - AT == dt.timedelta(hours=8)


def test_a_session_ends_when_revoked_expired_or_idle():
    session = opened()
    assert session.alive(AT + dt.timedelta(minutes=59)) and len(session.device) == 200
    assert not session.alive(AT + dt.timedelta(hours=1))          # idle
    session.touch(AT + dt.timedelta(minutes=50), "10.0.0.2")
    assert session.alive(AT + dt.timedelta(minutes=100)) and session.ip == "10.0.0.2"
    assert not session.alive(AT + dt.timedelta(hours=12))         # absolute end
    session.revoked_at = AT
    assert not session.alive(AT)


def test_a_refresh_token_works_once_and_its_reuse_is_detected():
    session = opened()
    session.check_refresh(RefreshToken("t", "s1"), AT)
    with pytest.raises(RefreshReused) as err:
        session.check_refresh(RefreshToken("t", "s1", used_at=AT), AT)
    assert err.value.code == "refresh_reused"


def test_a_dead_session_cannot_be_refreshed():
    with pytest.raises(Unauthenticated) as err:
        opened().check_refresh(RefreshToken("t", "s1"), AT + dt.timedelta(hours=2))
    assert err.value.code == "session_expired"


def test_a_sign_in_is_told_by_its_method_family():
    at = dt.datetime(2026, 12, 4, 5, 0, tzinfo=dt.UTC)
    social = Session.open("s1", "u1", "person", remember_me=True, device="VK app", ip="10.0.0.1",
                          method="social:vk", at=at)
    told = social.signed_in(new_device=True)
    assert (told.method, told.device, told.ip, told.new_device, told.at) == \
        ("social", "VK app", "10.0.0.1", True, "2026-12-04T05:00:00+00:00")
    password = Session.open("s2", "u1", "person", remember_me=False, device="x" * 300, ip="", method="password",
                            at=at)
    assert password.signed_in(new_device=False).method == "password"
    assert len(password.signed_in(new_device=False).device) == 200  # the device as the session stores it
    assert password.signed_in(new_device=False, step_up=True).method == "code"
