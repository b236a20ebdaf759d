"""Challenges: one-time codes (and e-mail links) sent to a contact, hashed at rest."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from kabinet.auth.v1 import auth_pb2 as pb

from kit.errors import InvalidInput, TooManyAttempts
from kit.events import Event
from services.auth.adapters import crypto
from services.auth.domain import model
from services.auth.domain.model import PendingCode

NOTICES = ("already_registered",)  # challenges that carry no code, only a message to the contact
LINK_PATHS = {"registration": "/auth/confirm", "contact_change": "/auth/confirm", "recovery": "/auth/recovery"}


@dataclass(frozen=True)
class Context:
    """What the auth handlers need besides a unit of work."""

    pepper: str
    public_url: str = "http://127.0.0.1:8080"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def invalid_code() -> InvalidInput:
    return InvalidInput("Неверный или просроченный код.", code="invalid_code",
                        fields={"code": "Неверный или просроченный код."})


def parse_id(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        return None


def issue(uow, ctx: Context, *, user_id: str | None, purpose: str, channel: str, destination: str,
          at: dt.datetime) -> str:
    """A new challenge; its code (and link) goes out through the outbox. user_id None makes a
    decoy that behaves the same to the caller but sends nothing and never confirms."""
    code_id = str(uuid.uuid4())
    code, link_token = _secrets(user_id, purpose, channel)
    uow.auth.add_code(code_id=code_id, user_id=user_id, purpose=purpose, channel=channel, destination=destination,
                      code_hash=crypto.code_digest(ctx.pepper, code_id, code),
                      link_hash=crypto.token_digest(link_token) if link_token else None,
                      expires_at=at + model.challenge_ttl(purpose, channel), last_sent_at=at)
    _send(uow, ctx, user_id, purpose, channel, destination, code, link_token)
    return code_id


def resend(uow, ctx: Context, pending: PendingCode, at: dt.datetime) -> None:
    """Issue a fresh code (and link) for the same challenge, within the cooldown and send limits."""
    wait = pending.resend_wait(at)
    if wait < 0:
        raise TooManyAttempts("Код больше нельзя отправить повторно. Начните заново.", code="resend_limit",
                              retry_after=int(model.RESEND_COOLDOWN.total_seconds()))
    if wait > 0:
        raise TooManyAttempts(f"Повторная отправка возможна через {wait} с.", code="resend_too_soon",
                              retry_after=wait)
    code, link_token = _secrets(pending.user_id, pending.purpose, pending.channel)
    uow.auth.reissue_code(pending.code_id, code_hash=crypto.code_digest(ctx.pepper, pending.code_id, code),
                          link_hash=crypto.token_digest(link_token) if link_token else None,
                          expires_at=at + model.challenge_ttl(pending.purpose, pending.channel), now=at)
    _send(uow, ctx, pending.user_id, pending.purpose, pending.channel, pending.destination, code, link_token)


def check_code(uow, ctx: Context, pending: PendingCode | None, code: str, purposes: tuple[str, ...],
               at: dt.datetime) -> PendingCode:
    """The challenge if `code` opens it; counts a wrong attempt (committed) and raises otherwise."""
    if pending is None or pending.purpose not in purposes or not pending.usable(at):
        raise invalid_code()
    if not secrets.compare_digest(crypto.code_digest(ctx.pepper, pending.code_id, (code or "").strip()),
                                  pending.code_hash):
        uow.auth.count_code_attempt(pending.code_id)
        uow.commit()
        raise invalid_code()
    return pending


def notice(uow, channel: str, destination: str, purpose: str, user_id: str) -> None:
    """A message without a code to a contact (a password change, a lock, a contact change)."""
    uow.emit(code_event(channel, destination, purpose, "", user_id, 0, ""))


def code_event(channel: str, destination: str, purpose: str, code: str, user_id: str, ttl: int,
               link: str) -> Event:
    return Event(type="auth.code.requested", aggregate_id=user_id,
                 payload=pb.CodeRequested(channel=channel, destination=destination, purpose=purpose, code=code,
                                          ttl_seconds=ttl, user_id=user_id, link=link))


def _secrets(user_id, purpose: str, channel: str) -> tuple[str, str | None]:
    if user_id is None or purpose in NOTICES:
        return secrets.token_hex(16), None  # matches no six-digit code
    link = crypto.new_link_token() if channel == "email" else None
    return model.new_code(), link


def _send(uow, ctx: Context, user_id, purpose, channel, destination, code, link_token) -> None:
    if user_id is None:
        return
    if purpose in NOTICES:
        notice(uow, channel, destination, purpose, user_id)
        return
    link = f"{ctx.public_url.rstrip('/')}{LINK_PATHS[purpose]}?token={link_token}" if link_token else ""
    ttl = int(model.challenge_ttl(purpose, channel).total_seconds())
    uow.emit(code_event(channel, destination, purpose, code, user_id, ttl, link))
