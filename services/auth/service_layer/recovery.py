"""Recovery ("Забыли пароль"): an SMS code or an e-mail link; completing it ends all sessions."""

from __future__ import annotations

from kabinet.auth.v1 import auth_pb2 as pb

from kit.events import Event
from services.auth.adapters import crypto
from services.auth.domain import model
from services.auth.domain.passwords import check_password
from services.auth.service_layer import challenges
from services.auth.service_layer.challenges import Context, now
from services.auth.service_layer.registration import Started

REPLY_CHANNEL = {"phone": "sms", "email": "email", "login": "contact"}


def start_recovery(uow, ctx: Context, *, identifier: str) -> Started:
    """Always the same answer: an unknown identifier gets a decoy challenge that sends nothing."""
    column, value = model.normalize_identifier(identifier)
    at = now()
    with uow:
        user = uow.auth.user_by(column, value) if value else None
        if user is not None and (user["kind"] == "staff" or user["status"] != "active"):
            user = None
        channel, destination = _where(column, user)
        if user is not None:
            uow.auth.void_codes(user["user_id"], "recovery", at)
        challenge_id = challenges.issue(uow, ctx, user_id=user["user_id"] if user else None, purpose="recovery",
                                        channel=channel, destination=destination, at=at)
        uow.commit()
    return Started(challenge_id, int(model.RECOVERY_TTL.total_seconds()),
                   int(model.RESEND_COOLDOWN.total_seconds()), REPLY_CHANNEL[column])


def _where(column: str, user) -> tuple[str, str]:
    if user is None:
        return ("email" if column == "email" else "sms"), ""
    if column == "phone":
        return "sms", user["phone"]
    if column == "email" or user["email"]:
        return "email", user["email"]
    return "sms", user["phone"]


def complete_recovery(uow, ctx: Context, *, recovery_id: str, code: str, link_token: str,
                      new_password: str) -> int:
    """Sets the new password, unlocks the account and ends every session; the number ended."""
    check_password(new_password, field="new_password")
    password_hash = crypto.hash_password(new_password)
    at = now()
    with uow:
        if link_token:
            pending = uow.auth.code_by_link(crypto.token_digest(link_token))
            if pending is None or pending.purpose != "recovery" or not pending.usable(at):
                raise challenges.invalid_code()
        else:
            code_id = challenges.parse_id(recovery_id)
            pending = challenges.check_code(uow, ctx, uow.auth.code(code_id) if code_id else None, code,
                                            ("recovery",), at)
        uow.auth.consume_code(pending.code_id, at)
        user = uow.auth.user(pending.user_id, lock=True)
        uow.auth.update_user(user["user_id"], password_hash=password_hash, password_changed_at=at,
                             failed_logins=0, locked_at=None)
        ended = uow.auth.revoke_sessions(user["user_id"], at)
        uow.emit(Event(type="auth.password.changed", aggregate_id=user["user_id"],
                       payload=pb.PasswordChanged(user_id=user["user_id"], reason="recovery",
                                                  sessions_ended=ended)))
        challenges.notice(uow, pending.channel, pending.destination, "password_changed", user["user_id"])
        uow.commit()
    return ended
