"""Identity rules: contacts, names, one-time codes, sessions, lockout, onboarding."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from kit.errors import InvalidInput

PHONE_RE = re.compile(r"^\+7\d{10}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
LOGIN_RE = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
NAME_RE = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё' .-]{0,99}$")

# One-time codes and links.
CODE_TTL = dt.timedelta(minutes=10)           # SMS codes
LINK_TTL = dt.timedelta(hours=24)             # e-mail links (and the code in the same e-mail)
RECOVERY_TTL = dt.timedelta(minutes=30)       # recovery: short, single use
CODE_MAX_ATTEMPTS = 5                         # per code; a resend issues a new code
RESEND_COOLDOWN = dt.timedelta(seconds=60)
MAX_SENDS = 5                                 # per challenge (the first send included)

# Tokens and sessions.
ACCESS_TTL_SECONDS = 300
REFRESH_TTL_REMEMBER = dt.timedelta(days=30)
REFRESH_TTL_SESSION = dt.timedelta(hours=12)
IDLE_REMEMBER = dt.timedelta(days=14)
IDLE_SESSION = dt.timedelta(hours=1)
STAFF_SESSION_TTL = dt.timedelta(hours=8)
STAFF_IDLE = dt.timedelta(minutes=30)

# NIST 800-63B 5.2.2: no more than 100 consecutive failed attempts on one account.
MAX_CONSECUTIVE_FAILURES = 100

KINDS = ("person", "organization")
STAFF_ROLES = ("operator", "admin")


def normalize_phone(raw: str, field: str = "phone") -> str:
    """+7 (900) 000-00-01, 8 900 000 00 01, 79000000001 -> +79000000001."""
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    phone = "+" + digits
    if not PHONE_RE.match(phone):
        raise InvalidInput("Укажите мобильный телефон в формате +7 XXX XXX-XX-XX.", code="invalid_phone",
                           fields={field: "Неверный номер телефона."})
    return phone


def normalize_email(raw: str, field: str = "email") -> str:
    email = (raw or "").strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise InvalidInput("Укажите адрес электронной почты.", code="invalid_email",
                           fields={field: "Неверный адрес электронной почты."})
    return email


def normalize_login(raw: str) -> str:
    login = (raw or "").strip().lower()
    if not LOGIN_RE.match(login) or identifier_kind(login) != "login":
        raise InvalidInput("Логин: от 3 до 32 латинских букв, цифр, точек, дефисов и подчёркиваний, "
                           "начинается с буквы.", code="invalid_login",
                           fields={"login": "Недопустимый логин."})
    return login


def normalize_name(raw: str, field: str) -> str:
    name = " ".join((raw or "").split())
    if not NAME_RE.match(name):
        raise InvalidInput("Проверьте написание имени.", code="invalid_name",
                           fields={field: "Допустимы буквы, пробел, дефис и апостроф, до 100 символов."})
    return name


def identifier_kind(identifier: str) -> str:
    """Which column a sign-in identifier names: phone, email or login."""
    text = (identifier or "").strip()
    if "@" in text:
        return "email"
    if re.fullmatch(r"[\d\s()+-]{10,}", text):
        return "phone"
    return "login"


def normalize_identifier(identifier: str) -> tuple[str, str]:
    """(column, value) of a sign-in identifier; value is empty when it cannot name anyone."""
    kind = identifier_kind(identifier)
    try:
        if kind == "phone":
            return kind, normalize_phone(identifier)
        if kind == "email":
            return kind, normalize_email(identifier)
        return kind, normalize_login(identifier)
    except InvalidInput:
        return kind, ""


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def onboarding_required(kind: str, surname: str | None, first_name: str | None,
                        contact_phone: str | None) -> bool:
    """An organization must fill "Давайте познакомимся" (surname, first name, phone) first."""
    return kind == "organization" and not (surname and first_name and contact_phone)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: absolute and idle limits."""

    lifetime: dt.timedelta
    idle: dt.timedelta

    @staticmethod
    def for_sign_in(kind: str, remember_me: bool) -> SessionPolicy:
        if kind == "staff":
            return SessionPolicy(STAFF_SESSION_TTL, STAFF_IDLE)
        if remember_me:
            return SessionPolicy(REFRESH_TTL_REMEMBER, IDLE_REMEMBER)
        return SessionPolicy(REFRESH_TTL_SESSION, IDLE_SESSION)


def session_alive(*, revoked_at, expires_at: dt.datetime, last_used_at: dt.datetime, idle_seconds: int,
                  now: dt.datetime) -> bool:
    return revoked_at is None and now < expires_at and now < last_used_at + dt.timedelta(seconds=idle_seconds)


@dataclass(frozen=True)
class PendingCode:
    """A challenge: a one-time code (and for e-mail a link) sent to a contact."""

    code_id: str
    user_id: str | None  # None: a decoy for an unknown identifier
    purpose: str
    code_hash: str
    expires_at: dt.datetime
    attempts: int
    consumed: bool
    channel: str = "sms"
    destination: str = ""
    sends: int = 1
    last_sent_at: dt.datetime | None = None

    def usable(self, now: dt.datetime) -> bool:
        return (self.user_id is not None and not self.consumed and now < self.expires_at
                and self.attempts < CODE_MAX_ATTEMPTS)

    def resend_wait(self, now: dt.datetime) -> int:
        """Seconds until a resend is allowed; 0 when it is; -1 when no more resends."""
        if self.consumed or self.sends >= MAX_SENDS:
            return -1
        ready = (self.last_sent_at or now) + RESEND_COOLDOWN
        return max(0, int((ready - now).total_seconds() + 0.999))


def challenge_ttl(purpose: str, channel: str) -> dt.timedelta:
    if purpose == "recovery":
        return RECOVERY_TTL
    return LINK_TTL if channel == "email" else CODE_TTL
