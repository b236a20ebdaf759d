"""Auth use cases: sign-in, tokens, sessions and signing keys."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from kabinet.auth.v1 import auth_pb2 as pb

from kit.context import Caller
from kit.errors import NotFound, Unauthenticated
from kit.events import Event
from kit.tokens import new_signing_key, sign_access_token
from services.auth.adapters import crypto
from services.auth.domain import model
from services.auth.service_layer.challenges import notice, now, parse_id

KEY_OVERLAP = dt.timedelta(days=2)  # retired keys stay published this long
BAD_CREDENTIALS = "Неверный логин или пароль."


def bad_credentials() -> Unauthenticated:
    return Unauthenticated(BAD_CREDENTIALS, code="bad_credentials")


def login(uow, *, identifier: str, password: str, remember_me: bool, device: str, ip: str) -> pb.TokenPair:
    """Same answer and work for an unknown identifier and a wrong password."""
    column, value = model.normalize_identifier(identifier)
    with uow:
        user = uow.auth.user_by(column, value) if value else None
        if user is not None and user["kind"] == "staff":
            user = None  # staff sign in through StaffLogin only
        if not crypto.verify_password(user["password_hash"] if user else None, password):
            if user is not None:
                count_failure(uow, user)
                uow.commit()
            raise bad_credentials()
        check_can_sign_in(user)
        after_good_password(uow, user, password)
        pair = open_session(uow, user, remember_me=remember_me, device=device, ip=ip, method="password")
        uow.commit()
    return pair


def check_can_sign_in(user) -> None:
    """Called only after the right password, so these answers reveal nothing to a guesser."""
    if user["locked_at"] is not None:
        raise Unauthenticated("Вход заблокирован после многих неудачных попыток. Восстановите пароль.",
                              code="account_locked")
    if user["status"] != "active":
        raise Unauthenticated("Подтвердите телефон или e-mail, указанный при регистрации.", code="not_confirmed")


def count_failure(uow, user) -> None:
    """One more consecutive failure; the 100th locks the account until recovery (NIST 800-63B)."""
    failures = uow.auth.count_failed_login(user["user_id"])
    if failures == model.MAX_CONSECUTIVE_FAILURES and user["locked_at"] is None:
        uow.auth.update_user(user["user_id"], locked_at=now())
        uow.emit(Event(type="auth.user.locked", aggregate_id=user["user_id"],
                       payload=pb.UserLocked(user_id=user["user_id"], failed_attempts=failures)))
        channel, destination = primary_contact(user)
        if destination:
            notice(uow, channel, destination, "account_locked", user["user_id"])


def after_good_password(uow, user, password: str) -> None:
    changes = {}
    if user["failed_logins"]:
        changes["failed_logins"] = 0
    if crypto.needs_rehash(user["password_hash"]):
        changes["password_hash"] = crypto.hash_password(password)
    if changes:
        uow.auth.update_user(user["user_id"], **changes)


def primary_contact(user) -> tuple[str, str]:
    if user["email"]:
        return "email", user["email"]
    return "sms", user["phone"] or ""


def refresh(uow, *, refresh_token: str, ip: str = "") -> pb.TokenPair:
    at = now()
    expired = Unauthenticated("Сеанс истёк, войдите снова.", code="session_expired")
    with uow:
        token = uow.auth.refresh(crypto.token_digest(refresh_token or ""))
        if token is None:
            raise expired
        session = uow.auth.session_row(token["session_id"], lock=True)
        if token["used_at"] is not None:
            # A spent token came back: someone holds a copy. End the whole family (the session).
            uow.auth.revoke_session(session["session_id"], at)
            uow.commit()
            raise Unauthenticated("Сеанс завершён из соображений безопасности.", code="refresh_reused")
        if not _alive(session, at):
            raise expired
        user = uow.auth.user(session["user_id"])
        uow.auth.spend_refresh(token["token_hash"], at)
        uow.auth.touch_session(session["session_id"], at, ip[:64])
        pair = _tokens(uow, user, session["session_id"], session["expires_at"], at, session["remember"])
        uow.commit()
    return pair


def logout(uow, *, refresh_token: str, session_id: str) -> None:
    with uow:
        if refresh_token:
            token = uow.auth.refresh(crypto.token_digest(refresh_token))
            session_id = token["session_id"] if token else session_id
        if session_id:
            uow.auth.revoke_session(session_id, now())
        uow.commit()


def logout_all(uow, caller: Caller) -> int:
    with uow:
        live_session(uow, caller)
        ended = uow.auth.revoke_sessions(caller.user_id, now())
        uow.commit()
    return ended


def list_sessions(uow, caller: Caller) -> pb.SessionList:
    at = now()
    with uow:
        live_session(uow, caller)
        rows = [r for r in uow.auth.live_sessions(caller.user_id, at) if _alive(r, at)]
    return pb.SessionList(sessions=[pb.Session(
        session_id=r["session_id"], device=r["device"], ip=r["ip"], created_at=_iso(r["created_at"]),
        last_used_at=_iso(r["last_used_at"]), expires_at=_iso(r["expires_at"]), remember_me=r["remember"],
        current=r["session_id"] == caller.session_id, method=r["method"]) for r in rows])


def revoke_session(uow, caller: Caller, session_id: str) -> None:
    with uow:
        live_session(uow, caller)
        row = uow.auth.session_row(session_id) if _uuid(session_id) else None
        if row is None or row["user_id"] != caller.user_id:
            raise NotFound("Сеанс не найден.", code="session_not_found")
        uow.auth.revoke_session(session_id, now())
        uow.commit()


def live_session(uow, caller: Caller):
    """The caller's session must still be alive: a revoked session stops at once inside auth."""
    row = uow.auth.session_row(caller.session_id) if _uuid(caller.session_id) else None
    if row is None or row["user_id"] != caller.user_id or not _alive(row, now()):
        raise Unauthenticated("Сеанс истёк, войдите снова.", code="session_expired")
    return row


def ensure_signing_key(uow) -> None:
    with uow:
        uow.auth.lock_keys()
        if uow.auth.active_key() is None:
            kid, pem, jwk = new_signing_key()
            uow.auth.add_key(kid, pem.decode(), jwk)
            uow.commit()


def jwks(uow) -> str:
    with uow:
        return json.dumps({"keys": uow.auth.published_keys(now() - KEY_OVERLAP)})


def open_session(uow, user, *, remember_me: bool, device: str, ip: str, method: str) -> pb.TokenPair:
    """Every sign-in opens a new session: a new id and a new refresh-token family."""
    at = now()
    remember_me = remember_me and user["kind"] != "staff"
    policy = model.SessionPolicy.for_sign_in(user["kind"], remember_me)
    session_id = str(uuid.uuid4())
    expires = at + policy.lifetime
    uow.auth.add_session(session_id=session_id, user_id=user["user_id"], device=(device or "")[:200],
                         ip=(ip or "")[:64], remember=remember_me, expires_at=expires, method=method,
                         idle_seconds=int(policy.idle.total_seconds()), created_at=at, last_used_at=at)
    return _tokens(uow, user, session_id, expires, at, remember_me)


def _tokens(uow, user, session_id: str, expires: dt.datetime, at: dt.datetime, remember: bool) -> pb.TokenPair:
    key = uow.auth.active_key()
    roles = (user["role"],) if user["kind"] == "staff" and user["role"] else ()
    onboarding = model.onboarding_required(user["kind"], user["surname"], user["first_name"], user["contact_phone"])
    access = sign_access_token(key["private_pem"].encode(), key["kid"], user_id=user["user_id"],
                               kind=user["kind"], session_id=session_id, ttl_seconds=model.ACCESS_TTL_SECONDS,
                               roles=roles, onboarding_required=onboarding)
    refresh_token = crypto.new_refresh_token()
    uow.auth.add_refresh(crypto.token_digest(refresh_token), session_id)
    return pb.TokenPair(access_token=access, access_expires_in=model.ACCESS_TTL_SECONDS,
                        refresh_token=refresh_token, refresh_expires_in=int((expires - at).total_seconds()),
                        session_id=session_id, remember_me=remember, onboarding_required=onboarding,
                        kind=user["kind"], roles=list(roles))


def _alive(session, at: dt.datetime) -> bool:
    return model.session_alive(revoked_at=session["revoked_at"], expires_at=session["expires_at"],
                               last_used_at=session["last_used_at"], idle_seconds=session["idle_seconds"], now=at)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _uuid(value: str) -> bool:
    return parse_id(value) is not None
