"""Sessions: opening one at sign-in, refreshing its tokens, listing and ending them."""

from __future__ import annotations

import datetime as dt
import uuid

from kit.context import Caller
from kit.errors import NotFound
from kit.ids import is_uuid
from kit.tokens import sign_access_token
from services.auth.adapters import crypto
from services.auth.domain.sessions import (
    ACCESS_TTL_SECONDS,
    RefreshReused,
    RefreshToken,
    Session,
    TokenPair,
    session_expired,
)
from services.auth.domain.users import User
from services.auth.service_layer.context import now


def open_session(uow, user: User, *, remember_me: bool, device: str, ip: str, method: str,
                 step_up: bool = False) -> TokenPair:
    """Every sign-in opens a new session: a new id and a new refresh-token family. A customer's sign-in is told
    (auth.user.signed_in, in the same transaction); staff's is not."""
    at = now()
    session = Session.open(str(uuid.uuid4()), user.user_id, user.kind, remember_me=remember_me, device=device,
                           ip=ip, method=method, at=at)
    if not user.is_staff:
        uow.emit(session.signed_in(new_device=uow.sessions.device_new(user.user_id, session.device),
                                   step_up=step_up))
    uow.sessions.add(session)
    return _tokens(uow, user, session, at)


def refresh(uow, *, refresh_token: str, ip: str = "") -> TokenPair:
    """A new pair for a refresh token, which is spent; a spent one coming back ends the session."""
    at = now()
    with uow:
        token = uow.sessions.refresh_token(crypto.token_digest(refresh_token or ""))
        if token is None:
            raise session_expired()
        session = uow.sessions.get(token.session_id, lock=True)
        try:
            session.check_refresh(token, at)
        except RefreshReused:
            uow.sessions.revoke(session.session_id, at)
            uow.commit()
            raise
        uow.sessions.spend_refresh(token, at)
        session.touch(at, ip)
        uow.sessions.touch(session)
        pair = _tokens(uow, uow.users.get(session.user_id), session, at)
        uow.commit()
    return pair


def logout(uow, *, refresh_token: str, session_id: str) -> list[str]:
    """Ends the session of the refresh token, or else the caller's; the ids ended (none if it was over)."""
    ended: list[str] = []
    with uow:
        if refresh_token:
            token = uow.sessions.refresh_token(crypto.token_digest(refresh_token))
            session_id = token.session_id if token else session_id
        if session_id:
            ended = uow.sessions.revoke(session_id, now())
        uow.commit()
    return ended


def logout_all(uow, caller: Caller) -> list[str]:
    """Ends every session of the caller, this one included; the ids ended."""
    with uow:
        live_session(uow, caller)
        ended = uow.sessions.revoke_all(caller.user_id, now())
        uow.commit()
    return ended


def list_sessions(uow, caller: Caller) -> list[Session]:
    """The caller's live sessions, most recently used first."""
    at = now()
    with uow:
        live_session(uow, caller)
        return [s for s in uow.sessions.live(caller.user_id, at) if s.alive(at)]


def revoke_session(uow, caller: Caller, session_id: str) -> list[str]:
    """Ends one of the caller's sessions; the ids ended (none if it was over already)."""
    with uow:
        live_session(uow, caller)
        session = uow.sessions.get(session_id) if is_uuid(session_id) else None
        if session is None or session.user_id != caller.user_id:
            raise NotFound("Сеанс не найден.", code="session_not_found")
        ended = uow.sessions.revoke(session_id, now())
        uow.commit()
    return ended


def reauthenticated(uow, user: User, session: Session, at: dt.datetime) -> TokenPair:
    """The password was entered again in this session (step-up): a fresh pair whose access token carries
    auth_time = at; the session and its refresh-token family go on."""
    session.authenticate(at)
    uow.sessions.touch(session)
    return _tokens(uow, user, session, at)


def live_session(uow, caller: Caller) -> Session:
    """The caller's session must still be alive: a revoked session stops at once inside auth."""
    session = uow.sessions.get(caller.session_id) if is_uuid(caller.session_id) else None
    if session is None or session.user_id != caller.user_id or not session.alive(now()):
        raise session_expired()
    return session


def _tokens(uow, user: User, session: Session, at: dt.datetime) -> TokenPair:
    key = uow.keys.active()
    access = sign_access_token(key.private_pem.encode(), key.kid, user_id=user.user_id, kind=user.kind,
                               session_id=session.session_id, ttl_seconds=ACCESS_TTL_SECONDS, roles=user.roles,
                               onboarding_required=user.onboarding_required, auth_time=session.auth_time)
    refresh_token = crypto.new_refresh_token()
    uow.sessions.add_refresh(RefreshToken(crypto.token_digest(refresh_token), session.session_id))
    return TokenPair(access_token=access, access_expires_in=ACCESS_TTL_SECONDS, refresh_token=refresh_token,
                     refresh_expires_in=session.seconds_left(at), session_id=session.session_id,
                     remember_me=session.remember, onboarding_required=user.onboarding_required, kind=user.kind,
                     roles=user.roles)
