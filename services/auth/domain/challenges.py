"""Challenges: a one-time code (and for e-mail a link) sent to a contact to prove it is the
user's — for a registration, a recovery, a contact change or a sign-in under step-up."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from kit.errors import InvalidInput, TooManyAttempts

CODE_TTL = dt.timedelta(minutes=10)           # SMS codes
LINK_TTL = dt.timedelta(hours=24)             # e-mail links (and the code in the same e-mail)
RECOVERY_TTL = dt.timedelta(minutes=30)       # recovery: short, single use
SIGN_IN_TTL = dt.timedelta(minutes=10)        # the step-up code of a sign-in, SMS or e-mail alike
CODE_MAX_ATTEMPTS = 5                         # per code; a resend issues a new code
RESEND_COOLDOWN = dt.timedelta(seconds=60)
MAX_SENDS = 5                                 # per challenge (the first send included)
CODE_DIGITS = 6                               # codes we send
CODE_FORMAT = re.compile(r"^\s*[0-9]{4,8}\s*$")  # codes we accept: digits, surrounding spaces tolerated

PURPOSES = ("registration", "recovery", "contact_change", "sign_in")
WITH_LINK = ("registration", "recovery", "contact_change")  # an e-mail of these carries a link too
NOTICES = ("already_registered",)             # challenges that carry no code, only a message


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def check_code_format(code: str) -> str:
    """A code as typed: 4-8 digits, spaces around it tolerated; the digits."""
    if not CODE_FORMAT.match(code or ""):
        raise InvalidInput("Код состоит из цифр.", code="invalid_code_format", fields={"code": "Код состоит из цифр."})
    return code.strip()


def invalid_code() -> InvalidInput:
    """Wrong, expired, spent, exhausted or unknown: one answer."""
    return InvalidInput("Неверный или просроченный код.", code="invalid_code",
                        fields={"code": "Неверный или просроченный код."})


def invalid_link() -> InvalidInput:
    return InvalidInput("Ссылка недействительна или устарела.", code="invalid_link")


def challenge_ttl(purpose: str, channel: str) -> dt.timedelta:
    """How long a code (or link) works: recovery 30 minutes, a sign-in code 10 minutes, otherwise
    e-mail 24 hours and SMS 10 minutes."""
    if purpose == "recovery":
        return RECOVERY_TTL
    if purpose == "sign_in":
        return SIGN_IN_TTL
    return LINK_TTL if channel == "email" else CODE_TTL


@dataclass
class Challenge:
    """One challenge. user_id None is a decoy: it answers like a real one and never opens."""

    code_id: str
    user_id: str | None
    purpose: str
    channel: str
    destination: str
    code_hash: str
    expires_at: dt.datetime
    link_hash: str | None = None
    attempts: int = 0
    consumed_at: dt.datetime | None = None
    sends: int = 1
    last_sent_at: dt.datetime | None = None

    def usable(self, at: dt.datetime) -> bool:
        """Opens with the right code: real, unspent, unexpired, attempts left."""
        return (self.user_id is not None and self.consumed_at is None and at < self.expires_at
                and self.attempts < CODE_MAX_ATTEMPTS)

    def wrong_code(self) -> None:
        self.attempts += 1

    def consume(self, at: dt.datetime) -> None:
        """Single use."""
        self.consumed_at = at

    def in_cooldown(self, at: dt.datetime) -> bool:
        """Sent less than RESEND_COOLDOWN ago."""
        return self.last_sent_at is not None and at < self.last_sent_at + RESEND_COOLDOWN

    def resend_wait(self, at: dt.datetime) -> int:
        """Seconds until a resend is allowed; 0 when it is; -1 when no more resends."""
        if self.consumed_at is not None or self.sends >= MAX_SENDS:
            return -1
        ready = (self.last_sent_at or at) + RESEND_COOLDOWN
        return max(0, int((ready - at).total_seconds() + 0.999))

    def check_resend(self, at: dt.datetime) -> None:
        """The resend rule: once per cooldown, at most MAX_SENDS sends per challenge."""
        wait = self.resend_wait(at)
        if wait < 0:
            raise TooManyAttempts("Код больше нельзя отправить повторно. Начните заново.", code="resend_limit",
                                  retry_after=int(RESEND_COOLDOWN.total_seconds()))
        if wait > 0:
            raise TooManyAttempts(f"Повторная отправка возможна через {wait} с.", code="resend_too_soon",
                                  retry_after=wait)

    def reissue(self, code_hash: str, link_hash: str | None, at: dt.datetime) -> None:
        """A resend is a fresh code (and link) with fresh attempts and lifetime."""
        self.code_hash, self.link_hash = code_hash, link_hash
        self.expires_at = at + challenge_ttl(self.purpose, self.channel)
        self.attempts, self.sends, self.last_sent_at = 0, self.sends + 1, at


@dataclass(frozen=True)
class Started:
    """A challenge was sent: its id, how long the code works, when a resend is allowed, and the
    channel to tell the user about ("contact" when it must not say which)."""

    challenge_id: str
    ttl_seconds: int
    resend_after_seconds: int
    channel: str

    @staticmethod
    def of(challenge_id: str, purpose: str, channel: str, reply_channel: str | None = None) -> Started:
        ttl_purpose = "registration" if purpose in NOTICES else purpose
        return Started(challenge_id, int(challenge_ttl(ttl_purpose, channel).total_seconds()),
                       int(RESEND_COOLDOWN.total_seconds()), reply_channel or channel)


@dataclass(frozen=True)
class Confirmed:
    """A challenge was confirmed: what it completed and what the user should know next."""

    purpose: str                   # "registration" | "contact_change"
    onboarding_required: bool = False
    login_taken: bool = False
