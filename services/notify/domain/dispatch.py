"""The dispatcher's rules: quiet hours (no SMS at night in the customer's time zone), the token bucket that keeps
each provider within its rate, the retries of a failed send, and what an SMS provider's delivery report means.

Plain arithmetic on values: the bucket's state lives in PostgreSQL (adapters/dispatch_store.py), so the limit
holds across the worker's replicas; these functions say how it changes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kit.errors import InvalidInput
from services.notify.domain.model import SMS, Outgoing

DEFAULT_TIME_ZONE = "Europe/Moscow"
QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"  # an `outgoing` row's status
DELIVERED, UNDELIVERABLE = "delivered", "undeliverable"  # the provider's delivery report (`deliveries.report`)


# --- quiet hours -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuietHours:
    """Тихие часы: from `start` to `end` local time no SMS is sent (e-mail is not held). Across midnight when
    start > end (21:00–09:00); none when start == end."""

    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """"21:00-09:00" -> QuietHours; "" -> none at all."""
        if not text.strip():
            return cls(dt.time(0), dt.time(0))
        try:
            start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise ValueError("quiet hours look like 21:00-09:00") from None
        return cls(start, end)

    def holds(self, local: dt.time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_allowed(self, moment: dt.datetime, time_zone: str) -> dt.datetime:
        """`moment` itself when an SMS may go then in `time_zone`; otherwise the end of these quiet hours there
        (the next morning, or this morning after midnight) — held, never dropped."""
        zone = zone_of(time_zone)
        local = moment.astimezone(zone)
        if not self.holds(local.time()):
            return moment
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, self.end, tzinfo=zone).astimezone(dt.UTC)


def zone_of(name: str) -> ZoneInfo:
    """The customer's time zone; Moscow when it is unknown (a row written before its supplier's zone was)."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def held_until(channel: str, quiet: QuietHours, moment: dt.datetime, time_zone: str) -> dt.datetime | None:
    """When an SMS due at `moment` falls in the quiet hours of its time zone: the morning it waits for.
    None when it may go now (and always for e-mail)."""
    if channel != SMS:
        return None
    allowed = quiet.next_allowed(moment, time_zone)
    return allowed if allowed > moment else None


# --- the token bucket --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    """A provider's limit: `per_second` messages on average, at most `burst` at once. The immediate path (codes)
    may borrow below zero, down to `-debt_limit`, and never waits; the queue then waits until the debt is paid."""

    per_second: float
    burst: float
    debt_limit: float = 0.0

    def refill(self, tokens: float, elapsed_seconds: float) -> float:
        """The tokens after `elapsed_seconds` (never more than the burst; a clock step back adds none)."""
        return min(self.burst, tokens + max(elapsed_seconds, 0.0) * self.per_second)

    def borrow(self, tokens: float) -> float:
        """A code is sent whatever the bucket holds: one token taken, into debt if need be (bounded)."""
        return max(tokens - 1.0, -self.debt_limit)


def grant(tokens: float, wanted: int) -> int:
    """How many of `wanted` messages may go now: whole tokens only, none while in debt."""
    return max(0, min(wanted, math.floor(tokens)))


# --- retries -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Retry:
    """A send that failed for a passing reason is tried again later, each time waiting twice as long (`first`,
    2×, 4× … at most `cap`), up to `max_attempts` in all; then, or at once when the provider refused the very
    message (permanent), it is `failed`."""

    max_attempts: int
    first: dt.timedelta = dt.timedelta(seconds=30)
    cap: dt.timedelta = dt.timedelta(hours=1)

    def delay(self, attempts: int) -> dt.timedelta:
        """The wait after the `attempts`-th failed attempt (1, 2, …)."""
        return min(self.first * 2 ** max(attempts - 1, 0), self.cap)

    def gives_up(self, attempts: int, permanent: bool) -> bool:
        return permanent or attempts >= self.max_attempts


# --- the SMS provider's delivery reports (SMSC.ru status codes) ---------------------------------------------------

# SMSC's message statuses (https://smsc.ru/api/http/status_messages/statuses/): the final ones that mean the
# subscriber got it, and those that mean it never will. -3 not found, -2 stopped, -1 waiting and 0 handed to the
# operator are not final: nothing to record.
SMSC_DELIVERED = {1: "delivered", 2: "read", 4: "link clicked"}
SMSC_UNDELIVERABLE = {3: "expired", 20: "cannot be delivered", 22: "invalid number", 23: "prohibited",
                      24: "not enough money", 25: "unavailable number"}


@dataclass(frozen=True)
class Report:
    """What the provider says became of an SMS: `delivered` or `undeliverable` with the reason."""

    outcome: str
    error: str = ""


def smsc_report(status: str, err: str = "") -> Report | None:
    """SMSC's status callback (`status`, `err`) -> the report to record; None for a status that is not final.
    InvalidInput when `status` is not a number."""
    try:
        code = int(status.strip())
    except ValueError:
        raise InvalidInput(fields={"status": "Код статуса — целое число."}) from None
    if code in SMSC_DELIVERED:
        return Report(DELIVERED)
    if code in SMSC_UNDELIVERABLE:
        error = f"SMSC status {code} ({SMSC_UNDELIVERABLE[code]})"
        if err.strip() not in ("", "0"):
            error += f", error {err.strip()}"
        return Report(UNDELIVERABLE, error)
    return None


# --- what the dispatcher works on ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claimed:
    """A row of the outgoing queue taken by one dispatch pass: the message, its time zone and the attempts so far."""

    message: Outgoing
    time_zone: str = DEFAULT_TIME_ZONE
    attempts: int = 0


@dataclass(frozen=True)
class Outcome:
    """What became of one send: `sent`, `retry` (queued again, not before `not_before`), `failed`, or `untried`
    (the pass stopped before it: queued again as it was)."""

    claimed: Claimed
    status: str
    error: str = ""
    not_before: dt.datetime | None = None


def mask(destination: str) -> str:
    """A contact as staff lists show it: «+7900***4567», «i***@example.ru» (search takes the full one)."""
    name, at, domain = destination.partition("@")
    if at:
        return f"{name[:1]}***@{domain}"
    return f"{destination[:5]}***{destination[-4:]}" if len(destination) > 9 else "***"
