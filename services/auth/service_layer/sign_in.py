"""Signing in with a password ("Вход"), the step-up code that follows it after many failures,
re-entering the password to confirm an action, and what a wrong password costs."""

from __future__ import annotations

import datetime as dt

from kit.context import Caller
from kit.errors import InvalidInput
from services.auth.adapters import crypto
from services.auth.domain.challenges import Started
from services.auth.domain.contacts import normalize_identifier
from services.auth.domain.passwords import check_entered_password
from services.auth.domain.sessions import TokenPair
from services.auth.domain.users import User, bad_credentials
from services.auth.service_layer import challenges
from services.auth.service_layer.context import Context, now
from services.auth.service_layer.sessions import live_session, open_session, reauthenticated


def login(uow, ctx: Context, *, identifier: str, password: str, remember_me: bool, device: str,
          ip: str) -> TokenPair | Started:
    """By phone, e-mail or login. Same answer and work for an unknown identifier and a wrong password;
    staff sign in through StaffLogin only. Tokens, or — when the account is under step-up — the
    challenge of a sign-in code (complete_step_up turns it into tokens)."""
    check_entered_password(password)
    column, value = normalize_identifier(identifier)
    at = now()
    with uow:
        user = uow.users.by(column, value) if value else None
        if user is not None and user.is_staff:
            user = None
        if not crypto.verify_password(user.password_hash if user else None, password):
            if user is not None:
                record_failure(uow, user)
                uow.commit()
            raise bad_credentials()
        user.check_may_sign_in()
        if crypto.needs_rehash(user.password_hash):
            user.rehash_password(crypto.hash_password(password))
        if user.step_up_required:
            uow.users.save(user)
            started = step_up(uow, ctx, user, at)
            uow.commit()
            return started
        user.signed_in()
        uow.users.save(user)
        pair = open_session(uow, user, remember_me=remember_me, device=device, ip=ip, method="password")
        uow.commit()
    return pair


def step_up(uow, ctx: Context, user: User, at: dt.datetime) -> Started:
    """The right password under step-up: a sign-in code to the verified phone, else the e-mail.
    While the last code is within its resend cooldown the same challenge answers and nothing is
    sent, so repeating the password neither floods the owner's phone nor buys more code guesses."""
    uow.users.get(user.user_id, lock=True)  # one step-up of a user at a time: parallel sign-ins share a code
    channel, destination = user.step_up_contact()
    current = uow.challenges.latest(user.user_id, "sign_in", channel, at)
    if current is not None and current.in_cooldown(at):
        return Started.of(current.code_id, "sign_in", channel)
    uow.challenges.void(user.user_id, "sign_in", at)
    step_up_id = challenges.issue(uow, ctx, user_id=user.user_id, purpose="sign_in", channel=channel,
                                  destination=destination, at=at)
    return Started.of(step_up_id, "sign_in", channel)


def complete_step_up(uow, ctx: Context, *, step_up_id: str, code: str, remember_me: bool, device: str,
                     ip: str) -> TokenPair:
    """The sign-in code of a step-up: single use, limited attempts; the sign-in succeeds and the run
    of failures ends."""
    at = now()
    with uow:
        challenge = challenges.check_code(uow, ctx, challenges.find(uow, step_up_id), code, ("sign_in",), at)
        challenge.consume(at)
        uow.challenges.save(challenge)
        user = uow.users.get(challenge.user_id, lock=True)
        user.check_may_sign_in()
        user.signed_in()
        uow.users.save(user)
        pair = open_session(uow, user, remember_me=remember_me, device=device, ip=ip, method="password",
                            step_up=True)
        uow.commit()
    return pair


def reauthenticate(uow, user_id: str, password: str, field: str) -> User:
    """The current password, asked again before a sensitive change; a wrong one counts as a failure."""
    check_entered_password(password, field)
    user = uow.users.get(user_id)
    if not crypto.verify_password(user.password_hash, password):
        record_failure(uow, user)
        uow.commit()
        raise InvalidInput("Неверный текущий пароль.", code="bad_password", fields={field: "Неверный пароль."})
    return user


def record_failure(uow, user: User) -> None:
    """One more consecutive failure, counted atomically. Nothing else happens: the count alone
    decides whether the next right password needs a code (User.step_up_required)."""
    user.record_failed_sign_in(uow.users.count_failed_sign_in(user.user_id))


def confirm_password(uow, ctx: Context, caller: Caller, *, password: str) -> TokenPair | Started:
    """Step-up in a live session: the password entered again before a sensitive change (autopay), checked
    and counted as at Login. Right: the session's auth_time becomes now and a fresh pair is issued; under
    step-up (many failures) the right password asks for the sign-in code first, as Login does."""
    check_entered_password(password)
    at = now()
    with uow:
        session = live_session(uow, caller)
        user = uow.users.get(caller.user_id)
        if not crypto.verify_password(user.password_hash, password):
            record_failure(uow, user)
            uow.commit()
            # 422, not 401: the session is alive, only this password is wrong
            raise InvalidInput("Неверный пароль.", code="bad_credentials", fields={"password": "Неверный пароль."})
        user.check_may_sign_in()
        if user.step_up_required:
            uow.users.save(user)
            started = step_up(uow, ctx, user, at)
            uow.commit()
            return started
        user.signed_in()
        uow.users.save(user)
        pair = reauthenticated(uow, user, uow.sessions.get(session.session_id, lock=True), at)
        uow.commit()
    return pair
