"""Challenges: issuing, resending and checking one-time codes (and e-mail links), hashed at rest."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from kit.ids import is_uuid
from services.auth.adapters import crypto
from services.auth.domain.challenges import (
    NOTICES,
    WITH_LINK,
    Challenge,
    Started,
    challenge_ttl,
    check_code_format,
    invalid_code,
    new_code,
)
from services.auth.domain.events import CodeRequested
from services.auth.service_layer.context import Context, now

LINK_PATHS = {"registration": "/auth/confirm", "contact_change": "/auth/confirm", "recovery": "/auth/recovery"}


def issue(uow, ctx: Context, *, user_id: str | None, purpose: str, channel: str, destination: str,
          at: dt.datetime) -> str:
    """A new challenge; its code (and link) goes out through the outbox. user_id None makes a
    decoy that behaves the same to the caller but sends nothing and never confirms."""
    code_id = str(uuid.uuid4())
    code, link_token = _secrets(user_id, purpose, channel)
    uow.challenges.add(Challenge(
        code_id=code_id, user_id=user_id, purpose=purpose, channel=channel, destination=destination,
        code_hash=crypto.code_digest(ctx.pepper, code_id, code),
        link_hash=crypto.token_digest(link_token) if link_token else None,
        expires_at=at + challenge_ttl(purpose, channel), last_sent_at=at))
    _send(uow, ctx, user_id, purpose, channel, destination, code, link_token)
    return code_id


def resend(uow, ctx: Context, challenge: Challenge, at: dt.datetime) -> None:
    """A fresh code (and link) for the same challenge, within the cooldown and send limits."""
    challenge.check_resend(at)
    code, link_token = _secrets(challenge.user_id, challenge.purpose, challenge.channel)
    challenge.reissue(crypto.code_digest(ctx.pepper, challenge.code_id, code),
                      crypto.token_digest(link_token) if link_token else None, at)
    uow.challenges.save(challenge)
    _send(uow, ctx, challenge.user_id, challenge.purpose, challenge.channel, challenge.destination, code,
          link_token)


def find(uow, challenge_id: str) -> Challenge | None:
    """A challenge by the opaque id the caller holds; a malformed id is simply unknown."""
    return uow.challenges.get(challenge_id) if is_uuid(challenge_id) else None


def check_code(uow, ctx: Context, challenge: Challenge | None, code: str, purposes: tuple[str, ...],
               at: dt.datetime) -> Challenge:
    """The challenge if `code` opens it; counts a wrong attempt (committed) and raises otherwise."""
    code = check_code_format(code)
    if challenge is None or challenge.purpose not in purposes or not challenge.usable(at):
        raise invalid_code()
    if not secrets.compare_digest(crypto.code_digest(ctx.pepper, challenge.code_id, code), challenge.code_hash):
        challenge.wrong_code()
        uow.challenges.save(challenge)
        uow.commit()
        raise invalid_code()
    return challenge


def resend_code(uow, ctx: Context, *, challenge_id: str) -> Started:
    """Resend a registration, recovery, contact-change or sign-in code. Unknown ids answer like fresh ones."""
    at = now()
    with uow:
        challenge = find(uow, challenge_id)
        if challenge is None:
            return Started.of(challenge_id, "registration", "sms")
        resend(uow, ctx, challenge, at)
        uow.commit()
    return Started.of(challenge.code_id, challenge.purpose, challenge.channel)


def notice(uow, channel: str, destination: str, purpose: str, user_id: str) -> None:
    """A message without a code to a contact (a password change, a contact change)."""
    uow.emit(CodeRequested(channel=channel, destination=destination, purpose=purpose, user_id=user_id))


def _secrets(user_id, purpose: str, channel: str) -> tuple[str, str | None]:
    if user_id is None or purpose in NOTICES:
        return secrets.token_hex(16), None  # matches no code anyone can type
    link = crypto.new_link_token() if channel == "email" and purpose in WITH_LINK else None
    return new_code(), link


def _send(uow, ctx: Context, user_id, purpose, channel, destination, code, link_token) -> None:
    if user_id is None:
        return
    if purpose in NOTICES:
        notice(uow, channel, destination, purpose, user_id)
        return
    link = f"{ctx.public_url.rstrip('/')}{LINK_PATHS[purpose]}?token={link_token}" if link_token else ""
    ttl = int(challenge_ttl(purpose, channel).total_seconds())
    uow.emit(CodeRequested(channel=channel, destination=destination, purpose=purpose, user_id=user_id, code=code,
                           ttl_seconds=ttl, link=link))
