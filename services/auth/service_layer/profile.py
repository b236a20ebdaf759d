"""The caller's profile: names ("Давайте познакомимся"), consent, login, password, contacts."""

from __future__ import annotations

from kabinet.auth.v1 import auth_pb2 as pb

from kit.context import Caller
from kit.errors import Conflict, InvalidInput, Rejected
from kit.events import Event
from services.auth.adapters import crypto
from services.auth.domain import model
from services.auth.domain.passwords import check_password
from services.auth.service_layer import challenges
from services.auth.service_layer.challenges import Context, now
from services.auth.service_layer.handlers import count_failure, live_session
from services.auth.service_layer.registration import Started

COLUMN = {"sms": "phone", "email": "email"}


def profile(uow, caller: Caller) -> pb.Profile:
    with uow:
        live_session(uow, caller)
        return _profile(uow, caller.user_id)


def update_profile(uow, caller: Caller, changes: dict) -> pb.Profile:
    """`changes` holds only the fields the caller set (names, contact_phone, marketing_consent, login)."""
    values = {}
    for field in ("surname", "first_name"):
        if field in changes:
            values[field] = model.normalize_name(changes[field], field)
    if "patronymic" in changes:
        values["patronymic"] = model.normalize_name(changes["patronymic"], "patronymic") \
            if changes["patronymic"].strip() else None
    if "contact_phone" in changes:
        values["contact_phone"] = model.normalize_phone(changes["contact_phone"], "contact_phone")
    if "marketing_consent" in changes:
        values["marketing_consent"] = bool(changes["marketing_consent"])
    with uow:
        live_session(uow, caller)
        user = uow.auth.user(caller.user_id, lock=True)
        if "login" in changes:
            values["login"] = _new_login(uow, user, changes["login"])
        if values:
            uow.auth.update_user(user["user_id"], **values)
            user = {**user, **values}
            uow.emit(Event(type="auth.profile.updated", aggregate_id=user["user_id"], payload=pb.ProfileUpdated(
                user_id=user["user_id"], marketing_consent=user["marketing_consent"],
                onboarding_required=model.onboarding_required(user["kind"], user["surname"], user["first_name"],
                                                              user["contact_phone"]))))
        uow.commit()
        return _profile(uow, caller.user_id)


def _new_login(uow, user, raw: str) -> str:
    if user["login"]:
        raise Conflict("Логин нельзя изменить.", code="login_immutable", fields={"login": "Логин уже задан."})
    login = model.normalize_login(raw)
    if uow.auth.user_by("login", login) is not None:
        raise Conflict("Этот логин занят, выберите другой.", code="login_taken", fields={"login": "Логин занят."})
    return login


def change_password(uow, caller: Caller, *, old_password: str, new_password: str, end_other_sessions: bool) -> int:
    """The old password is required; optionally ends every other session. The number ended."""
    check_password(new_password, field="new_password")
    if new_password == old_password:
        raise InvalidInput("Новый пароль совпадает с текущим.", code="same_password",
                           fields={"new_password": "Новый пароль совпадает с текущим."})
    password_hash = crypto.hash_password(new_password)
    at = now()
    with uow:
        live_session(uow, caller)
        user = _reauthenticate(uow, caller, old_password, "old_password")
        uow.auth.update_user(user["user_id"], password_hash=password_hash, password_changed_at=at)
        ended = uow.auth.revoke_sessions(user["user_id"], at, keep=caller.session_id) if end_other_sessions else 0
        uow.emit(Event(type="auth.password.changed", aggregate_id=user["user_id"], payload=pb.PasswordChanged(
            user_id=user["user_id"], reason="change", sessions_ended=ended)))
        channel, destination = _contact(user)
        challenges.notice(uow, channel, destination, "password_changed", user["user_id"])
        uow.commit()
    return ended


def _reauthenticate(uow, caller: Caller, password: str, field: str):
    user = uow.auth.user(caller.user_id)
    if not crypto.verify_password(user["password_hash"], password):
        count_failure(uow, user)
        uow.commit()
        raise InvalidInput("Неверный текущий пароль.", code="bad_password", fields={field: "Неверный пароль."})
    return user


def start_contact_change(uow, ctx: Context, caller: Caller, *, channel: str, value: str, password: str) -> Started:
    if channel not in COLUMN:
        raise InvalidInput("Укажите e-mail или телефон.", code="invalid_channel", fields={"channel": "email или sms"})
    destination = model.normalize_phone(value, "value") if channel == "sms" else model.normalize_email(value, "value")
    at = now()
    with uow:
        live_session(uow, caller)
        user = _reauthenticate(uow, caller, password, "password")
        if user[COLUMN[channel]] == destination:
            raise InvalidInput("Этот контакт уже указан в профиле.", code="same_contact",
                               fields={"value": "Этот контакт уже указан."})
        uow.auth.void_codes(user["user_id"], "contact_change", at)
        change_id = challenges.issue(uow, ctx, user_id=user["user_id"], purpose="contact_change", channel=channel,
                                     destination=destination, at=at)
        uow.commit()
    return Started(change_id, int(model.challenge_ttl("contact_change", channel).total_seconds()),
                   int(model.RESEND_COOLDOWN.total_seconds()), channel)


def confirm_contact_change(uow, ctx: Context, caller: Caller, *, change_id: str, code: str) -> pb.Profile:
    at = now()
    with uow:
        live_session(uow, caller)
        code_id = challenges.parse_id(change_id)
        pending = uow.auth.code(code_id) if code_id else None
        if pending is not None and pending.user_id != caller.user_id:
            pending = None
        pending = challenges.check_code(uow, ctx, pending, code, ("contact_change",), at)
        apply_contact_change(uow, pending, at)
        uow.commit()
        return _profile(uow, caller.user_id)


def apply_contact_change(uow, pending, at) -> None:
    """The verified new contact replaces the old one, which is told about it."""
    column = COLUMN[pending.channel]
    uow.auth.consume_code(pending.code_id, at)
    owner = uow.auth.user_by(column, pending.destination)
    if owner is not None and owner["user_id"] != pending.user_id:
        uow.commit()  # the code is spent either way
        raise Conflict("Этот контакт уже используется другой учётной записью.", code="contact_taken",
                       fields={"value": "Контакт уже используется."})
    user = uow.auth.user(pending.user_id, lock=True)
    previous = user[column] or ""
    uow.auth.update_user(user["user_id"], **{column: pending.destination})
    uow.emit(Event(type="auth.contact.verified", aggregate_id=user["user_id"], payload=pb.ContactVerified(
        user_id=user["user_id"], channel=pending.channel, destination=pending.destination, previous=previous)))
    if previous:
        challenges.notice(uow, pending.channel, previous, "contact_changed", user["user_id"])


def resend_email_confirmation(uow, ctx: Context, caller: Caller) -> Started:
    at = now()
    with uow:
        live_session(uow, caller)
        pending = uow.auth.latest_code(caller.user_id, "contact_change", "email", at)
        if pending is None:
            raise Rejected("Нет адреса, ожидающего подтверждения.", code="nothing_to_confirm")
        challenges.resend(uow, ctx, pending, at)
        uow.commit()
    return Started(pending.code_id, int(model.LINK_TTL.total_seconds()),
                   int(model.RESEND_COOLDOWN.total_seconds()), "email")


def _contact(user) -> tuple[str, str]:
    return ("email", user["email"]) if user["email"] else ("sms", user["phone"] or "")


def _profile(uow, user_id: str) -> pb.Profile:
    user = uow.auth.user(user_id)
    at = now()
    pending_email = uow.auth.latest_code(user_id, "contact_change", "email", at)
    pending_phone = uow.auth.latest_code(user_id, "contact_change", "sms", at)
    return pb.Profile(
        user_id=user["user_id"], kind=user["kind"], phone=user["phone"] or "", email=user["email"] or "",
        login=user["login"] or "", surname=user["surname"] or "", first_name=user["first_name"] or "",
        patronymic=user["patronymic"] or "", contact_phone=user["contact_phone"] or "",
        marketing_consent=user["marketing_consent"],
        onboarding_required=model.onboarding_required(user["kind"], user["surname"], user["first_name"],
                                                      user["contact_phone"]),
        pending_email=pending_email.destination if pending_email else "",
        pending_phone=pending_phone.destination if pending_phone else "",
        email_verified=bool(user["email"]), phone_verified=bool(user["phone"]),
        terms_version=user["terms_version"] or "", roles=[user["role"]] if user["role"] else [],
        has_password=True)
