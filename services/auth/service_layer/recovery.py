"""Recovery ("Забыли пароль"): an SMS code or an e-mail link; completing it ends all sessions."""

from __future__ import annotations

from services.auth.adapters import crypto
from services.auth.domain.challenges import Started, invalid_code
from services.auth.domain.contacts import normalize_identifier
from services.auth.domain.events import PasswordChanged
from services.auth.domain.passwords import check_password
from services.auth.domain.recovery import REPLY_CHANNEL, recoverable, recovery_contact
from services.auth.service_layer import challenges
from services.auth.service_layer.context import Context, now


def start_recovery(uow, ctx: Context, *, identifier: str) -> Started:
    """Always the same answer: an unknown identifier gets a decoy challenge that sends nothing."""
    column, value = normalize_identifier(identifier)
    at = now()
    with uow:
        user = recoverable(uow.users.by(column, value) if value else None)
        channel, destination = recovery_contact(column, user)
        if user is not None:
            uow.challenges.void(user.user_id, "recovery", at)
        challenge_id = challenges.issue(uow, ctx, user_id=user.user_id if user else None, purpose="recovery",
                                        channel=channel, destination=destination, at=at)
        uow.commit()
    return Started.of(challenge_id, "recovery", channel, REPLY_CHANNEL[column])


def complete_recovery(uow, ctx: Context, *, recovery_id: str, code: str, link_token: str,
                      new_password: str) -> list[str]:
    """Sets the new password, ends the run of failed sign-ins and every session (the ids ended);
    open sign-in codes of a step-up stop working."""
    check_password(new_password, field="new_password")
    password_hash = crypto.hash_password(new_password)
    at = now()
    with uow:
        if link_token:
            challenge = uow.challenges.by_link(crypto.token_digest(link_token))
            if challenge is None or challenge.purpose != "recovery" or not challenge.usable(at):
                raise invalid_code()
        else:
            challenge = challenges.check_code(uow, ctx, challenges.find(uow, recovery_id), code, ("recovery",), at)
        challenge.consume(at)
        uow.challenges.save(challenge)
        user = uow.users.get(challenge.user_id, lock=True)
        user.recover(password_hash, at)
        uow.users.save(user)
        uow.challenges.void(user.user_id, "sign_in", at)
        ended = uow.sessions.revoke_all(user.user_id, at)
        uow.emit(PasswordChanged(user_id=user.user_id, reason="recovery", sessions_ended=len(ended)))
        challenges.notice(uow, challenge.channel, challenge.destination, "password_changed", user.user_id)
        uow.commit()
    return ended
