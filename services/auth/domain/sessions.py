"""Sessions ("сеансы"): every sign-in opens one; it lives within an absolute and an idle limit
and is continued by rotating refresh tokens (one family per session)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kit.errors import Unauthenticated
from services.auth.domain.events import UserSignedIn

ACCESS_TTL_SECONDS = 300
REFRESH_TTL_REMEMBER = dt.timedelta(days=30)  # "запомнить меня"
REFRESH_TTL_SESSION = dt.timedelta(hours=12)  # a browser session
IDLE_REMEMBER = dt.timedelta(days=14)
IDLE_SESSION = dt.timedelta(hours=1)
STAFF_SESSION_TTL = dt.timedelta(hours=8)
STAFF_IDLE = dt.timedelta(minutes=30)
KEY_OVERLAP = dt.timedelta(days=2)            # a retired signing key stays published this long
DEVICE_MAX, IP_MAX = 200, 64                  # what a session remembers of the device and address


def session_expired() -> Unauthenticated:
    return Unauthenticated("Сеанс истёк, войдите снова.", code="session_expired")


class RefreshReused(Unauthenticated):
    """A spent refresh token came back: someone holds a copy, so the whole session ends."""

    code = "refresh_reused"
    message = "Сеанс завершён из соображений безопасности."


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: absolute and idle limits."""

    lifetime: dt.timedelta
    idle: dt.timedelta

    @staticmethod
    def for_sign_in(kind: str, remember_me: bool) -> SessionPolicy:
        """Staff: 8 hours, 30 minutes idle, never "remember me". Customers: 30 days (14 idle) with
        "remember me", otherwise 12 hours (1 idle)."""
        if kind == "staff":
            return SessionPolicy(STAFF_SESSION_TTL, STAFF_IDLE)
        if remember_me:
            return SessionPolicy(REFRESH_TTL_REMEMBER, IDLE_REMEMBER)
        return SessionPolicy(REFRESH_TTL_SESSION, IDLE_SESSION)


@dataclass
class Session:
    session_id: str
    user_id: str
    remember: bool
    created_at: dt.datetime
    last_used_at: dt.datetime
    expires_at: dt.datetime
    idle_seconds: int
    method: str = "password"                  # password | social:<provider> | staff
    device: str = ""
    ip: str = ""                              # of the last sign-in or refresh
    revoked_at: dt.datetime | None = None
    authenticated_at: dt.datetime | None = None  # the last password entry: sign-in or step-up

    @staticmethod
    def open(session_id: str, user_id: str, kind: str, *, remember_me: bool, device: str, ip: str, method: str,
             at: dt.datetime) -> Session:
        """A new session (and so a new refresh-token family) for every sign-in."""
        remember_me = remember_me and kind != "staff"
        policy = SessionPolicy.for_sign_in(kind, remember_me)
        return Session(session_id=session_id, user_id=user_id, remember=remember_me, created_at=at,
                       last_used_at=at, expires_at=at + policy.lifetime,
                       idle_seconds=int(policy.idle.total_seconds()), method=method,
                       device=(device or "")[:DEVICE_MAX], ip=(ip or "")[:IP_MAX], authenticated_at=at)

    def signed_in(self, *, new_device: bool, step_up: bool = False) -> UserSignedIn:
        """This sign-in as the «new sign-in» notice hears it: how ("password"; "code" when a step-up code
        followed the password; "social" for social:<provider>), from which device and address, and whether the
        device is new to the user (the caller knows: no earlier session of the user with the same device)."""
        method = "code" if step_up else self.method.split(":", 1)[0]
        return UserSignedIn(user_id=self.user_id, method=method, device=self.device, ip=self.ip,
                            new_device=new_device, at=self.created_at.isoformat())

    def authenticate(self, at: dt.datetime) -> None:
        """The password was entered again (step-up): tokens from now on carry this auth_time."""
        self.authenticated_at = at
        self.touch(at)

    @property
    def auth_time(self) -> int:
        """Epoch seconds of the last password entry (the created_at of a session opened before it was kept)."""
        return int((self.authenticated_at or self.created_at).timestamp())

    def alive(self, at: dt.datetime) -> bool:
        """Not revoked, not past its end, used within the idle limit."""
        return (self.revoked_at is None and at < self.expires_at
                and at < self.last_used_at + dt.timedelta(seconds=self.idle_seconds))

    def check_refresh(self, token: RefreshToken, at: dt.datetime) -> None:
        """Rotation with reuse detection: a refresh token works once; a spent one raises
        RefreshReused (the caller ends the session), a dead session session_expired."""
        if token.used_at is not None:
            raise RefreshReused()
        if not self.alive(at):
            raise session_expired()

    def touch(self, at: dt.datetime, ip: str = "") -> None:
        self.last_used_at = at
        if ip:
            self.ip = ip[:IP_MAX]

    def seconds_left(self, at: dt.datetime) -> int:
        return int((self.expires_at - at).total_seconds())


@dataclass
class RefreshToken:
    token_hash: str
    session_id: str
    used_at: dt.datetime | None = None


@dataclass(frozen=True)
class TokenPair:
    """What a sign-in or a refresh gives: a short-lived access token and an opaque refresh token."""

    access_token: str
    access_expires_in: int
    refresh_token: str
    refresh_expires_in: int
    session_id: str
    remember_me: bool
    onboarding_required: bool
    kind: str
    roles: tuple[str, ...] = ()
