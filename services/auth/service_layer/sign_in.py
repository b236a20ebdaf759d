"""Signing in with a password ("Вход"), re-entering it to confirm an action, and what a wrong
password costs."""

from __future__ import annotations

from kit.errors import InvalidInput
from services.auth.adapters import crypto
from services.auth.domain.contacts import normalize_identifier
from services.auth.domain.events import UserLocked
from services.auth.domain.passwords import check_entered_password
from services.auth.domain.sessions import TokenPair
from services.auth.domain.users import User, bad_credentials
from services.auth.service_layer.challenges import notice
from services.auth.service_layer.context import now
from services.auth.service_layer.sessions import open_session


def login(uow, *, identifier: str, password: str, remember_me: bool, device: str, ip: str) -> TokenPair:
    """By phone, e-mail or login. Same answer and work for an unknown identifier and a wrong password;
    staff sign in through StaffLogin only."""
    check_entered_password(password)
    column, value = normalize_identifier(identifier)
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
        user.signed_in()
        if crypto.needs_rehash(user.password_hash):
            user.rehash_password(crypto.hash_password(password))
        uow.users.save(user)
        pair = open_session(uow, user, remember_me=remember_me, device=device, ip=ip, method="password")
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
    """One more consecutive failure; when it locks the account, the owner is told."""
    failures = uow.users.count_failed_sign_in(user.user_id)
    if user.record_failed_sign_in(failures, now()):
        uow.users.save(user)
        uow.emit(UserLocked(user_id=user.user_id, failed_attempts=failures))
        channel, destination = user.primary_contact()
        if destination:
            notice(uow, channel, destination, "account_locked", user.user_id)
