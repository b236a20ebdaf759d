"""Identity rules: contacts, passwords, one-time codes, sessions."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from kit.errors import InvalidInput

PHONE_RE = re.compile(r"^\+7\d{10}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
CODE_TTL = dt.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
ACCESS_TTL_SECONDS = 300
REFRESH_TTL_REMEMBER = dt.timedelta(days=30)
REFRESH_TTL_SESSION = dt.timedelta(hours=12)


def normalize_phone(raw: str) -> str:
    """+7 (900) 000-00-01, 8 900 000 00 01, 79000000001 -> +79000000001."""
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    phone = "+" + digits
    if not PHONE_RE.match(phone):
        raise InvalidInput("Укажите мобильный телефон в формате +7 XXX XXX-XX-XX.", code="invalid_phone",
                           fields={"phone": "Неверный номер телефона."})
    return phone


def normalize_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise InvalidInput("Укажите адрес электронной почты.", code="invalid_email",
                           fields={"email": "Неверный адрес электронной почты."})
    return email


def identifier_kind(identifier: str) -> str:
    """Which column a sign-in identifier names: phone, email or login."""
    text = (identifier or "").strip()
    if "@" in text:
        return "email"
    if re.fullmatch(r"[\d\s()+-]{10,}", text):
        return "phone"
    return "login"


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


@dataclass(frozen=True)
class PendingCode:
    code_id: str
    user_id: str
    purpose: str
    code_hash: str
    expires_at: dt.datetime
    attempts: int
    consumed: bool

    def usable(self, now: dt.datetime) -> bool:
        return not self.consumed and now < self.expires_at and self.attempts < CODE_MAX_ATTEMPTS
