"""auth_time: access tokens say when the session's password was last entered (sign-in or StepUp), refreshes
keep it, StepUp renews it — with the same checks and failure counting as sign-in."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from kabinet.auth.v1 import auth_pb2 as pb
from sqlalchemy import create_engine, select, text, update

from kit.errors import InvalidInput
from kit.migrations import upgrade
from services.auth.adapters.orm import sessions, users
from services.auth.domain.users import STEP_UP_AFTER
from services.auth.tests.integration.conftest import MIGRATIONS
from services.auth.tests.integration.test_identity import PASSWORD, signed_up

pytestmark = pytest.mark.integration


def auth_time(auth, access_token: str) -> int:
    return auth.verifier.verify(access_token).auth_time


def backdate(auth, session_id: str, minutes: int) -> int:
    """The session's password entry `minutes` ago; its epoch seconds."""
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
    with auth.rt.engine.begin() as conn:
        conn.execute(update(sessions).where(sessions.c.session_id == session_id).values(authenticated_at=at))
    return int(at.timestamp())


def step_up(auth, pair, password=PASSWORD) -> pb.TokenPair:
    return auth.call(pair.access_token, "StepUp", pb.StepUpRequest(password=password))


def test_sign_in_sets_auth_time_and_refresh_keeps_it(auth):
    before = int(time.time())
    pair = signed_up(auth)
    assert before <= auth_time(auth, pair.access_token) <= int(time.time())
    entered = backdate(auth, pair.session_id, 30)
    again = auth.api.Refresh(pb.RefreshRequest(refresh_token=pair.refresh_token), None)
    assert auth_time(auth, again.access_token) == entered


def test_step_up_renews_auth_time_in_the_same_session(auth):
    pair = signed_up(auth)
    entered = backdate(auth, pair.session_id, 30)
    fresh = step_up(auth, pair)
    assert fresh.session_id == pair.session_id and fresh.refresh_token and not fresh.HasField("step_up")
    assert auth_time(auth, fresh.access_token) > entered
    assert auth_time(auth, fresh.access_token) >= int(time.time()) - 5
    later = auth.api.Refresh(pb.RefreshRequest(refresh_token=fresh.refresh_token), None)
    assert auth_time(auth, later.access_token) == auth_time(auth, fresh.access_token)


def test_a_wrong_password_is_refused_and_counted(auth):
    pair = signed_up(auth)
    with pytest.raises(InvalidInput) as err:
        step_up(auth, pair, "Wrong-Pass-1")
    assert err.value.code == "bad_credentials" and "password" in err.value.fields
    with auth.rt.engine.connect() as conn:
        assert conn.execute(select(users.c.failed_logins)).scalar_one() == 1
    step_up(auth, pair)  # the right one ends the run of failures, as a sign-in does
    with auth.rt.engine.connect() as conn:
        assert conn.execute(select(users.c.failed_logins)).scalar_one() == 0


def test_under_step_up_the_right_password_asks_for_a_code(auth):
    pair = signed_up(auth)
    with auth.rt.engine.begin() as conn:
        conn.execute(update(users).values(failed_logins=STEP_UP_AFTER))
    reply = step_up(auth, pair)
    assert reply.HasField("step_up") and reply.access_token == ""
    assert auth.last_code("+79001112233").purpose == "sign_in"


def test_migration_backfills_authenticated_at_with_created_at(database_url_factory):
    url = database_url_factory("auth")
    upgrade(url, MIGRATIONS, "0003")
    engine = create_engine(url)
    created = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    user_id, session_id = str(uuid.uuid4()), str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (user_id, kind, status, password_hash) "
                          "VALUES (:u, 'person', 'active', 'x')"), {"u": user_id})
        conn.execute(text("INSERT INTO sessions (session_id, user_id, remember, created_at, expires_at) "
                          "VALUES (:s, :u, false, :c, :c)"), {"s": session_id, "u": user_id, "c": created})
    upgrade(url, MIGRATIONS)
    with engine.connect() as conn:
        assert conn.execute(select(sessions.c.authenticated_at)).scalar_one() == created
    engine.dispose()
