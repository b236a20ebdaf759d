"""Facts auth tells the other services. Each has the name and fields of its message in
auth.proto ("--- events ---"); adapters/events.py turns it into that message for the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class CodeRequested:
    """A one-time code, link or notice to deliver (notices carry no code)."""

    subject: ClassVar[str] = "auth.code.requested"
    channel: str
    destination: str
    purpose: str
    user_id: str
    code: str = ""
    ttl_seconds: int = 0
    link: str = ""


@dataclass(frozen=True)
class UserRegistered:
    subject: ClassVar[str] = "auth.user.registered"
    user_id: str
    kind: str
    marketing_consent: bool
    channel: str


@dataclass(frozen=True)
class UserActivated:
    subject: ClassVar[str] = "auth.user.activated"
    user_id: str
    kind: str


@dataclass(frozen=True)
class ContactVerified:
    subject: ClassVar[str] = "auth.contact.verified"
    user_id: str
    channel: str
    destination: str
    previous: str = ""


@dataclass(frozen=True)
class PasswordChanged:
    subject: ClassVar[str] = "auth.password.changed"
    user_id: str
    reason: str                    # "change" | "recovery"
    sessions_ended: int


@dataclass(frozen=True)
class ProfileUpdated:
    subject: ClassVar[str] = "auth.profile.updated"
    user_id: str
    marketing_consent: bool
    onboarding_required: bool


@dataclass(frozen=True)
class UserSignedIn:
    """A customer signed in to the cabinet (never staff): the «new sign-in» notice."""

    subject: ClassVar[str] = "auth.user.signed_in"
    user_id: str
    method: str                    # "password" | "code" (the password, then a step-up code) | "social"
    device: str                    # the session's device: the client's User-Agent, as stored
    ip: str
    new_device: bool               # earlier sessions of this user, none with this device
    at: str                        # RFC 3339


AuthEvent = (CodeRequested | UserRegistered | UserActivated | ContactVerified | PasswordChanged | ProfileUpdated
             | UserSignedIn)
