"""Staff: users with a role (operator, admin) and a mandatory TOTP second factor."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from kit.errors import Conflict
from services.auth.adapters import crypto
from services.auth.domain import totp
from services.auth.domain.contacts import normalize_identifier, normalize_login
from services.auth.domain.passwords import check_entered_password, check_password
from services.auth.domain.sessions import TokenPair
from services.auth.domain.users import STAFF, User, bad_credentials, check_staff_role
from services.auth.service_layer.context import Context, now
from services.auth.service_layer.sessions import open_session
from services.auth.service_layer.sign_in import record_failure


@dataclass(frozen=True)
class NewStaff:
    user_id: str
    provisioning_uri: str          # shown once: the TOTP secret for an authenticator app


def create_staff(uow, ctx: Context, *, login: str, role: str, password: str) -> NewStaff:
    """An admin command. The TOTP secret is shown once (as a provisioning URI) and stored sealed."""
    check_staff_role(role)
    login = normalize_login(login)
    check_password(password)
    secret = totp.new_secret()
    user = User(user_id=str(uuid.uuid4()), kind=STAFF, status="active", login=login, role=role,
                password_hash=crypto.hash_password(password), totp_secret=crypto.seal(ctx.pepper, secret))
    with uow:
        if uow.users.by("login", login) is not None:
            raise Conflict("Этот логин занят.", code="login_taken", fields={"login": "Логин занят."})
        uow.users.add(user)
        uow.commit()
    return NewStaff(user.user_id, totp.provisioning_uri(secret, login))


def staff_login(uow, ctx: Context, *, login: str, password: str, totp_code: str, device: str,
                ip: str) -> TokenPair:
    """Login, password and a TOTP code: one answer whichever of the three is wrong. Failures count
    as for customers, but never lock and add no step-up: the TOTP code is always the second factor."""
    totp.check_code_format(totp_code)
    check_entered_password(password)
    column, value = normalize_identifier(login)
    with uow:
        user = uow.users.by("login", value, lock=True) if column == "login" and value else None
        if user is not None and not user.is_staff:
            user = None
        ok = crypto.verify_password(user.password_hash if user else None, password)
        step = None
        if ok and user.totp_secret:
            step = totp.matching_step(crypto.unseal(ctx.pepper, user.totp_secret), totp_code, time.time(),
                                      user.totp_last_step)
        if step is None:  # a staff user without a TOTP secret can never sign in
            if user is not None:
                record_failure(uow, user)
                uow.commit()
            raise bad_credentials()
        user.check_may_sign_in()
        user.used_totp(step, now())
        uow.users.save(user)
        pair = open_session(uow, user, remember_me=False, device=device, ip=ip, method="staff")
        uow.commit()
    return pair
