"""Recovery ("Забыли пароль"): who can recover and where the code or link goes."""

from __future__ import annotations

from services.auth.domain.users import User

# What StartRecovery tells the caller: never which contact a login leads to.
REPLY_CHANNEL = {"phone": "sms", "email": "email", "login": "contact"}


def recoverable(user: User | None) -> User | None:
    """Only an active customer recovers; anyone else gets the same answer as an unknown identifier."""
    if user is None or user.is_staff or user.status != "active":
        return None
    return user


def recovery_contact(identified_by: str, user: User | None) -> tuple[str, str]:
    """(channel, destination): a phone gets an SMS code, an e-mail a link and code; a login the
    account's e-mail if it has one, otherwise its phone. No user: the channel only (a decoy)."""
    if user is None:
        return ("email" if identified_by == "email" else "sms"), ""
    if identified_by == "phone":
        return "sms", user.phone or ""
    if identified_by == "email" or user.email:
        return "email", user.email or ""
    return "sms", user.phone or ""
