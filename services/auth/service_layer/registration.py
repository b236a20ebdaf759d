"""Registration: a household by phone or e-mail, an organization by e-mail; confirmation by code."""

from __future__ import annotations

import datetime as dt
import uuid

from services.auth.adapters import crypto
from services.auth.domain.challenges import Challenge, Confirmed, Started
from services.auth.domain.events import ContactVerified, UserActivated, UserRegistered
from services.auth.domain.passwords import check_password
from services.auth.domain.registration import Registration, registration
from services.auth.domain.users import User
from services.auth.service_layer import challenges
from services.auth.service_layer.context import Context, now


def register(uow, ctx: Context, *, phone: str, email: str, password: str, terms_accepted: bool,
             marketing_consent: bool, kind: str = "", login: str = "") -> Started:
    """Start a registration. The answer is the same for a new and a known contact."""
    form = registration(kind=kind, phone=phone, email=email, terms_accepted=terms_accepted, login=login,
                        marketing_consent=marketing_consent)
    check_password(password)
    password_hash = crypto.hash_password(password)
    at = now()
    with uow:
        user = uow.users.by(form.column, form.destination, lock=True)
        if user is not None and user.status != "pending":
            # Tell the owner through the contact itself, never on the page.
            challenge_id = challenges.issue(uow, ctx, user_id=user.user_id, purpose="already_registered",
                                            channel=form.channel, destination=form.destination, at=at)
        else:
            user_id = _pending_user(uow, user, form, password_hash)
            uow.challenges.void(user_id, "registration", at)
            challenge_id = challenges.issue(uow, ctx, user_id=user_id, purpose="registration", channel=form.channel,
                                            destination=form.destination, at=at)
        uow.commit()
    return Started.of(challenge_id, "registration", form.channel)


def _pending_user(uow, user: User | None, form: Registration, password_hash: str) -> str:
    if user is not None:
        form.restart(user, password_hash)
        uow.users.save(user)
        return user.user_id
    user = form.new_user(str(uuid.uuid4()), password_hash)
    uow.users.add(user)
    uow.emit(UserRegistered(user_id=user.user_id, kind=user.kind, marketing_consent=user.marketing_consent,
                            channel=form.channel))
    return user.user_id


def confirm_contact(uow, ctx: Context, *, registration_id: str, code: str) -> Confirmed:
    at = now()
    with uow:
        challenge = challenges.check_code(uow, ctx, challenges.find(uow, registration_id), code, ("registration",),
                                          at)
        result = activate(uow, challenge, at)
        uow.commit()
    return result


def activate(uow, challenge: Challenge, at: dt.datetime) -> Confirmed:
    """The registration's contact is confirmed: the user becomes active."""
    challenge.consume(at)
    uow.challenges.save(challenge)
    user = uow.users.get(challenge.user_id, lock=True)
    free = bool(user.requested_login) and uow.users.by("login", user.requested_login) is None
    login_taken = user.activate(requested_login_free=free)
    uow.users.save(user)
    uow.emit(UserActivated(user_id=user.user_id, kind=user.kind))
    uow.emit(ContactVerified(user_id=user.user_id, channel=challenge.channel, destination=challenge.destination))
    return Confirmed("registration", onboarding_required=user.onboarding_required, login_taken=login_taken)
