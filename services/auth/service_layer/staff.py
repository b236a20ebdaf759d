"""Staff: users with a role (operator, admin) and a mandatory TOTP second factor."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from kabinet.auth.v1 import auth_pb2 as pb

from kit.errors import Conflict, InvalidInput
from services.auth.adapters import crypto
from services.auth.domain import model, totp
from services.auth.domain.passwords import check_password
from services.auth.service_layer.challenges import Context, now
from services.auth.service_layer.handlers import (
    bad_credentials,
    check_can_sign_in,
    count_failure,
    open_session,
)


@dataclass(frozen=True)
class NewStaff:
    user_id: str
    provisioning_uri: str


def create_staff(uow, ctx: Context, *, login: str, role: str, password: str) -> NewStaff:
    """An admin command. The TOTP secret is shown once (as a provisioning URI) and stored sealed."""
    if role not in model.STAFF_ROLES:
        raise InvalidInput("Роль: operator или admin.", code="invalid_role", fields={"role": "operator или admin"})
    login = model.normalize_login(login)
    check_password(password)
    secret = totp.new_secret()
    user_id = str(uuid.uuid4())
    with uow:
        if uow.auth.user_by("login", login) is not None:
            raise Conflict("Этот логин занят.", code="login_taken", fields={"login": "Логин занят."})
        uow.auth.add_user(user_id=user_id, kind="staff", status="active", login=login, role=role,
                          password_hash=crypto.hash_password(password), marketing_consent=False,
                          totp_secret=crypto.seal(ctx.pepper, secret))
        uow.commit()
    return NewStaff(user_id, totp.provisioning_uri(secret, login))


def staff_login(uow, ctx: Context, *, login: str, password: str, totp_code: str, device: str,
                ip: str) -> pb.TokenPair:
    """Login, password and a TOTP code: one answer whichever of the three is wrong."""
    column, value = model.normalize_identifier(login)
    with uow:
        user = uow.auth.user_by("login", value, lock=True) if column == "login" and value else None
        if user is not None and user["kind"] != "staff":
            user = None
        ok = crypto.verify_password(user["password_hash"] if user else None, password)
        step = None
        if ok and user["totp_secret"]:
            step = totp.matching_step(crypto.unseal(ctx.pepper, user["totp_secret"]), totp_code, time.time(),
                                      user["totp_last_step"])
        if step is None:  # a staff user without a TOTP secret can never sign in
            if user is not None:
                count_failure(uow, user)
                uow.commit()
            raise bad_credentials()
        check_can_sign_in(user)
        uow.auth.update_user(user["user_id"], totp_last_step=step, failed_logins=0,
                             totp_confirmed_at=user["totp_confirmed_at"] or now())
        pair = open_session(uow, user, remember_me=False, device=device, ip=ip, method="staff")
        uow.commit()
    return pair
