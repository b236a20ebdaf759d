"""The caller's profile: names ("Давайте познакомимся"), consent, login and password."""

from __future__ import annotations

from kit.context import Caller
from services.auth.adapters import crypto
from services.auth.domain.events import PasswordChanged, ProfileUpdated
from services.auth.domain.passwords import check_password_change
from services.auth.domain.users import Profile
from services.auth.service_layer import challenges
from services.auth.service_layer.context import now
from services.auth.service_layer.sessions import live_session
from services.auth.service_layer.sign_in import reauthenticate


def profile(uow, caller: Caller) -> Profile:
    with uow:
        live_session(uow, caller)
        return load_profile(uow, caller.user_id)


def update_profile(uow, caller: Caller, changes: dict) -> Profile:
    """`changes` holds only the fields the caller set (names, contact_phone, marketing_consent, login)."""
    with uow:
        live_session(uow, caller)
        user = uow.users.get(caller.user_id, lock=True)
        edited = user.edit_profile(changes)
        if "login" in changes:
            user.choose_login(changes["login"], lambda login: uow.users.by("login", login) is not None)
        if edited or "login" in changes:
            uow.users.save(user)
            uow.emit(ProfileUpdated(user_id=user.user_id, marketing_consent=user.marketing_consent,
                                    onboarding_required=user.onboarding_required))
        uow.commit()
        return load_profile(uow, caller.user_id)


def change_password(uow, caller: Caller, *, old_password: str, new_password: str,
                    end_other_sessions: bool) -> list[str]:
    """The old password is required; optionally ends every other session (the ids ended). Open
    sign-in codes of a step-up were earned with the old password and stop working."""
    check_password_change(old_password, new_password)
    password_hash = crypto.hash_password(new_password)
    at = now()
    with uow:
        live_session(uow, caller)
        user = reauthenticate(uow, caller.user_id, old_password, "old_password")
        user.change_password(password_hash, at)
        uow.users.save(user)
        uow.challenges.void(user.user_id, "sign_in", at)
        ended = uow.sessions.revoke_all(user.user_id, at, keep=caller.session_id) if end_other_sessions else []
        uow.emit(PasswordChanged(user_id=user.user_id, reason="change", sessions_ended=len(ended)))
        channel, destination = user.primary_contact()
        challenges.notice(uow, channel, destination, "password_changed", user.user_id)
        uow.commit()
    return ended


def load_profile(uow, user_id: str) -> Profile:
    at = now()
    pending_email = uow.challenges.latest(user_id, "contact_change", "email", at)
    pending_phone = uow.challenges.latest(user_id, "contact_change", "sms", at)
    return Profile(uow.users.get(user_id), pending_email=pending_email.destination if pending_email else "",
                   pending_phone=pending_phone.destination if pending_phone else "")
