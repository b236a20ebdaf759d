"""Auth use cases."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from kabinet.auth.v1 import auth_pb2 as pb

from kit.errors import InvalidInput, Unauthenticated
from kit.events import Event
from kit.tokens import new_signing_key, sign_access_token
from services.auth.adapters import crypto
from services.auth.domain import model
from services.auth.domain.passwords import check_password

KEY_OVERLAP = dt.timedelta(days=2)  # retired keys stay published this long
BAD_CREDENTIALS = "Неверный логин или пароль."


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def register(uow, pepper: str, *, phone: str, email: str, password: str, terms_version: str,
             marketing_consent: bool) -> tuple[str, int]:
    """Start a registration. The answer is the same for a new and a known contact."""
    if not terms_version:
        raise InvalidInput("Необходимо принять пользовательское соглашение.", code="terms_not_accepted",
                           fields={"terms_accepted": "Примите пользовательское соглашение."})
    if phone:
        channel, column, destination = "sms", "phone", model.normalize_phone(phone)
    else:
        channel, column, destination = "email", "email", model.normalize_email(email)
    check_password(password)
    password_hash = crypto.hash_password(password)
    code_id = str(uuid.uuid4())
    with uow:
        user = uow.auth.user_by(column, destination, lock=True)
        if user is not None and user["status"] != "pending":
            # Tell the owner through the contact itself, never on the page.
            uow.emit(_code_event(channel, destination, "already_registered", "", user["user_id"]))
            uow.commit()
            return code_id, int(model.CODE_TTL.total_seconds())
        if user is None:
            user_id = str(uuid.uuid4())
            uow.auth.add_user(user_id=user_id, kind="person", status="pending", password_hash=password_hash,
                              terms_version=terms_version, marketing_consent=marketing_consent,
                              **{column: destination})
            uow.emit(Event(type="auth.user.registered", aggregate_id=user_id,
                           payload=pb.UserRegistered(user_id=user_id, kind="person",
                                                     marketing_consent=marketing_consent)))
        else:
            user_id = user["user_id"]
            uow.auth.update_user(user_id, password_hash=password_hash, terms_version=terms_version,
                                 marketing_consent=marketing_consent)
        code = model.new_code()
        uow.auth.add_code(code_id=code_id, user_id=user_id, purpose="registration", channel=channel,
                          destination=destination, code_hash=crypto.code_digest(pepper, code_id, code),
                          expires_at=_now() + model.CODE_TTL)
        uow.emit(_code_event(channel, destination, "registration", code, user_id))
        uow.commit()
    return code_id, int(model.CODE_TTL.total_seconds())


def confirm_contact(uow, pepper: str, *, registration_id: str, code: str) -> None:
    wrong = InvalidInput("Неверный или просроченный код.", code="invalid_code",
                         fields={"code": "Неверный или просроченный код."})
    try:
        uuid.UUID(registration_id)
    except ValueError:
        raise wrong from None
    now = _now()
    with uow:
        pending = uow.auth.code(registration_id)
        if pending is None or not pending.usable(now):
            raise wrong
        if crypto.code_digest(pepper, pending.code_id, code.strip()) != pending.code_hash:
            uow.auth.count_code_attempt(pending.code_id)
            uow.commit()
            raise wrong
        uow.auth.consume_code(pending.code_id, now)
        uow.auth.update_user(pending.user_id, status="active")
        uow.emit(Event(type="auth.user.activated", aggregate_id=pending.user_id,
                       payload=pb.UserActivated(user_id=pending.user_id)))
        uow.commit()


def login(uow, *, identifier: str, password: str, remember_me: bool, device: str, ip: str) -> pb.TokenPair:
    kind = model.identifier_kind(identifier)
    try:
        value = {"phone": model.normalize_phone, "email": model.normalize_email}.get(kind, str.strip)(identifier)
    except InvalidInput:
        value = ""
    with uow:
        user = uow.auth.user_by(kind, value) if value else None
        ok = crypto.verify_password(user["password_hash"] if user else None, password)
        if not ok or user["status"] != "active":
            raise Unauthenticated(BAD_CREDENTIALS, code="bad_credentials")
        if crypto.needs_rehash(user["password_hash"]):
            uow.auth.update_user(user["user_id"], password_hash=crypto.hash_password(password))
        pair = _open_session(uow, user, remember_me=remember_me, device=device[:200], ip=ip[:64])
        uow.commit()
    return pair


def refresh(uow, *, refresh_token: str) -> pb.TokenPair:
    now = _now()
    expired = Unauthenticated("Сеанс истёк, войдите снова.", code="session_expired")
    with uow:
        token = uow.auth.refresh(crypto.token_digest(refresh_token))
        if token is None:
            raise expired
        session = uow.auth.session_row(token["session_id"])
        if token["used_at"] is not None:
            # A spent token came back: someone holds a copy. End the whole session.
            uow.auth.revoke_session(session["session_id"], now)
            uow.commit()
            raise Unauthenticated("Сеанс завершён из соображений безопасности.", code="refresh_reused")
        if session["revoked_at"] is not None or session["expires_at"] <= now:
            raise expired
        uow.auth.spend_refresh(token["token_hash"], now)
        uow.auth.touch_session(session["session_id"], now)
        user = uow.auth.user(session["user_id"])
        pair = _tokens(uow, user, session["session_id"], session["expires_at"], now)
        uow.commit()
    return pair


def logout(uow, *, refresh_token: str, session_id: str) -> None:
    with uow:
        if refresh_token:
            token = uow.auth.refresh(crypto.token_digest(refresh_token))
            session_id = token["session_id"] if token else session_id
        if session_id:
            uow.auth.revoke_session(session_id, _now())
        uow.commit()


def profile(uow, user_id: str) -> pb.Profile:
    with uow:
        user = uow.auth.user(user_id)
    if user is None:
        raise Unauthenticated()
    return pb.Profile(user_id=user["user_id"], kind=user["kind"], phone=user["phone"] or "",
                      email=user["email"] or "", login=user["login"] or "")


def ensure_signing_key(uow) -> None:
    with uow:
        uow.auth.lock_keys()
        if uow.auth.active_key() is None:
            kid, pem, jwk = new_signing_key()
            uow.auth.add_key(kid, pem.decode(), jwk)
            uow.commit()


def jwks(uow) -> str:
    with uow:
        return json.dumps({"keys": uow.auth.published_keys(_now() - KEY_OVERLAP)})


def _open_session(uow, user, *, remember_me: bool, device: str, ip: str) -> pb.TokenPair:
    now = _now()
    session_id = str(uuid.uuid4())
    expires = now + (model.REFRESH_TTL_REMEMBER if remember_me else model.REFRESH_TTL_SESSION)
    uow.auth.add_session(session_id=session_id, user_id=user["user_id"], device=device, ip=ip,
                         remember=remember_me, expires_at=expires)
    return _tokens(uow, user, session_id, expires, now)


def _tokens(uow, user, session_id: str, expires: dt.datetime, now: dt.datetime) -> pb.TokenPair:
    key = uow.auth.active_key()
    access = sign_access_token(key["private_pem"].encode(), key["kid"], user_id=user["user_id"],
                               kind=user["kind"], session_id=session_id, ttl_seconds=model.ACCESS_TTL_SECONDS)
    refresh_token = crypto.new_refresh_token()
    uow.auth.add_refresh(crypto.token_digest(refresh_token), session_id)
    return pb.TokenPair(access_token=access, access_expires_in=model.ACCESS_TTL_SECONDS,
                        refresh_token=refresh_token, refresh_expires_in=int((expires - now).total_seconds()),
                        session_id=session_id)


def _code_event(channel: str, destination: str, purpose: str, code: str, user_id: str) -> Event:
    return Event(type="auth.code.requested", aggregate_id=user_id,
                 payload=pb.CodeRequested(channel=channel, destination=destination, purpose=purpose, code=code,
                                          ttl_seconds=int(model.CODE_TTL.total_seconds()), user_id=user_id))
