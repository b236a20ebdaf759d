"""Changing the sign-in phone or e-mail: the new contact is verified before it replaces the old one."""

from __future__ import annotations

import datetime as dt

from kit.context import Caller
from kit.errors import Conflict, Rejected
from services.auth.domain.challenges import Challenge, Started
from services.auth.domain.contacts import CHANNEL_FIELD, normalize_contact
from services.auth.domain.events import ContactVerified
from services.auth.domain.users import Profile
from services.auth.service_layer import challenges
from services.auth.service_layer.context import Context, now
from services.auth.service_layer.profile import load_profile
from services.auth.service_layer.sessions import live_session
from services.auth.service_layer.sign_in import reauthenticate


def start_contact_change(uow, ctx: Context, caller: Caller, *, channel: str, value: str, password: str) -> Started:
    """The current password is required. A contact of someone else answers the same here."""
    destination = normalize_contact(channel, value)
    at = now()
    with uow:
        live_session(uow, caller)
        user = reauthenticate(uow, caller.user_id, password, "password")
        user.check_new_contact(channel, destination)
        uow.challenges.void(user.user_id, "contact_change", at)
        change_id = challenges.issue(uow, ctx, user_id=user.user_id, purpose="contact_change", channel=channel,
                                     destination=destination, at=at)
        uow.commit()
    return Started.of(change_id, "contact_change", channel)


def confirm_contact_change(uow, ctx: Context, caller: Caller, *, change_id: str, code: str) -> Profile:
    at = now()
    with uow:
        live_session(uow, caller)
        challenge = challenges.find(uow, change_id)
        if challenge is not None and challenge.user_id != caller.user_id:
            challenge = None
        challenge = challenges.check_code(uow, ctx, challenge, code, ("contact_change",), at)
        apply_contact_change(uow, challenge, at)
        uow.commit()
        return load_profile(uow, caller.user_id)


def apply_contact_change(uow, challenge: Challenge, at: dt.datetime) -> None:
    """The verified new contact replaces the old one, which is told about it."""
    challenge.consume(at)
    uow.challenges.save(challenge)
    owner = uow.users.by(CHANNEL_FIELD[challenge.channel], challenge.destination)
    if owner is not None and owner.user_id != challenge.user_id:
        uow.commit()  # the code is spent either way
        raise Conflict("Этот контакт уже используется другой учётной записью.", code="contact_taken",
                       fields={CHANNEL_FIELD[challenge.channel]: "Контакт уже используется."})
    user = uow.users.get(challenge.user_id, lock=True)
    previous = user.replace_contact(challenge.channel, challenge.destination)
    uow.users.save(user)
    uow.emit(ContactVerified(user_id=user.user_id, channel=challenge.channel, destination=challenge.destination,
                             previous=previous))
    if previous:
        challenges.notice(uow, challenge.channel, previous, "contact_changed", user.user_id)


def resend_email_confirmation(uow, ctx: Context, caller: Caller) -> Started:
    """The code and link for the caller's pending e-mail change, again."""
    at = now()
    with uow:
        live_session(uow, caller)
        challenge = uow.challenges.latest(caller.user_id, "contact_change", "email", at)
        if challenge is None:
            raise Rejected("Нет адреса, ожидающего подтверждения.", code="nothing_to_confirm")
        challenges.resend(uow, ctx, challenge, at)
        uow.commit()
    return Started.of(challenge.code_id, "contact_change", "email")
