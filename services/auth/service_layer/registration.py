"""Registration: a household by phone or e-mail, an organization by e-mail; confirmation by
code or link; resending."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from kabinet.auth.v1 import auth_pb2 as pb

from kit.errors import InvalidInput
from kit.events import Event
from services.auth.adapters import crypto
from services.auth.domain import model
from services.auth.domain.passwords import check_password
from services.auth.service_layer import challenges
from services.auth.service_layer.challenges import Context, now


@dataclass(frozen=True)
class Started:
    challenge_id: str
    ttl_seconds: int
    resend_after_seconds: int
    channel: str


@dataclass(frozen=True)
class Confirmed:
    purpose: str
    onboarding_required: bool = False
    login_taken: bool = False


def register(uow, ctx: Context, *, phone: str, email: str, password: str, terms_version: str,
             marketing_consent: bool, kind: str = "", login: str = "") -> Started:
    """Start a registration. The answer is the same for a new and a known contact."""
    kind = kind or "person"
    if kind not in model.KINDS:
        raise InvalidInput("Неизвестный тип пользователя.", code="invalid_kind", fields={"kind": "person или organization"})
    if not terms_version:
        raise InvalidInput("Необходимо принять пользовательское соглашение.", code="terms_not_accepted",
                           fields={"terms_accepted": "Примите пользовательское соглашение."})
    if kind == "organization" and (phone or not email):
        raise InvalidInput("Организации регистрируются по адресу электронной почты.", code="invalid_email",
                           fields={"email": "Укажите адрес электронной почты."})
    if phone:
        channel, column, destination = "sms", "phone", model.normalize_phone(phone)
    else:
        channel, column, destination = "email", "email", model.normalize_email(email)
    requested_login = model.normalize_login(login) if login else None
    check_password(password)
    password_hash = crypto.hash_password(password)
    at = now()
    with uow:
        user = uow.auth.user_by(column, destination, lock=True)
        if user is not None and user["status"] != "pending":
            # Tell the owner through the contact itself, never on the page.
            challenge_id = challenges.issue(uow, ctx, user_id=user["user_id"], purpose="already_registered",
                                            channel=channel, destination=destination, at=at)
        else:
            user_id = _pending_user(uow, user, kind=kind, column=column, destination=destination,
                                    password_hash=password_hash, terms_version=terms_version,
                                    marketing_consent=marketing_consent, requested_login=requested_login,
                                    channel=channel)
            uow.auth.void_codes(user_id, "registration", at)
            challenge_id = challenges.issue(uow, ctx, user_id=user_id, purpose="registration", channel=channel,
                                            destination=destination, at=at)
        uow.commit()
    return _started(challenge_id, "registration", channel)


def _pending_user(uow, user, *, kind, column, destination, password_hash, terms_version, marketing_consent,
                  requested_login, channel) -> str:
    values = dict(kind=kind, password_hash=password_hash, terms_version=terms_version,
                  marketing_consent=marketing_consent, requested_login=requested_login)
    if user is not None:  # a registration that was never confirmed starts over
        uow.auth.update_user(user["user_id"], **values)
        return user["user_id"]
    user_id = str(uuid.uuid4())
    uow.auth.add_user(user_id=user_id, status="pending", **values, **{column: destination})
    uow.emit(Event(type="auth.user.registered", aggregate_id=user_id,
                   payload=pb.UserRegistered(user_id=user_id, kind=kind, marketing_consent=marketing_consent,
                                             channel=channel)))
    return user_id


def confirm_contact(uow, ctx: Context, *, registration_id: str, code: str) -> Confirmed:
    at = now()
    with uow:
        code_id = challenges.parse_id(registration_id)
        pending = uow.auth.code(code_id) if code_id else None
        pending = challenges.check_code(uow, ctx, pending, code, ("registration",), at)
        result = activate(uow, pending, at)
        uow.commit()
    return result


def confirm_link(uow, ctx: Context, *, token: str) -> Confirmed:
    """An e-mail link: completes a registration or a contact change."""
    from services.auth.service_layer.profile import apply_contact_change

    at = now()
    with uow:
        pending = uow.auth.code_by_link(crypto.token_digest(token or ""))
        if pending is None or pending.purpose not in ("registration", "contact_change") or not pending.usable(at):
            raise InvalidInput("Ссылка недействительна или устарела.", code="invalid_link")
        if pending.purpose == "registration":
            result = activate(uow, pending, at)
        else:
            apply_contact_change(uow, pending, at)
            result = Confirmed("contact_change")
        uow.commit()
    return result


def activate(uow, pending, at) -> Confirmed:
    uow.auth.consume_code(pending.code_id, at)
    user = uow.auth.user(pending.user_id, lock=True)
    login_taken = False
    changes = {"status": "active", "requested_login": None}
    if user["requested_login"]:
        if uow.auth.user_by("login", user["requested_login"]) is None:
            changes["login"] = user["requested_login"]
        else:
            login_taken = True
    uow.auth.update_user(user["user_id"], **changes)
    uow.emit(Event(type="auth.user.activated", aggregate_id=user["user_id"],
                   payload=pb.UserActivated(user_id=user["user_id"], kind=user["kind"])))
    uow.emit(Event(type="auth.contact.verified", aggregate_id=user["user_id"],
                   payload=pb.ContactVerified(user_id=user["user_id"], channel=pending.channel,
                                              destination=pending.destination)))
    onboarding = model.onboarding_required(user["kind"], user["surname"], user["first_name"], user["contact_phone"])
    return Confirmed("registration", onboarding_required=onboarding, login_taken=login_taken)


def resend_code(uow, ctx: Context, *, challenge_id: str) -> Started:
    """Resend a registration, recovery or contact-change code. Unknown ids answer like fresh ones."""
    at = now()
    with uow:
        code_id = challenges.parse_id(challenge_id)
        pending = uow.auth.code(code_id) if code_id else None
        if pending is None:
            return _started(challenge_id, "registration", "sms")
        challenges.resend(uow, ctx, pending, at)
        uow.commit()
    return _started(pending.code_id, pending.purpose, pending.channel)


def _started(challenge_id: str, purpose: str, channel: str) -> Started:
    ttl_purpose = "registration" if purpose == "already_registered" else purpose
    return Started(challenge_id, int(model.challenge_ttl(ttl_purpose, channel).total_seconds()),
                   int(model.RESEND_COOLDOWN.total_seconds()), channel)
