"""Rate limiting and failed sign-in throttling, shared by every worker through the store.

Limits are named; `LIMITS` holds the production values (KABINET_RATE_LIMITS
overrides any of them). Counting uses the `limits` library (the engine of
flask-limiter) with a sliding-window counter in Redis, so a cap holds across
gunicorn workers and gateway replicas. Keys that name a person (phone, e-mail,
login) are HMACed with the secret key: the store never holds them in clear.

Headers: every limited response carries RateLimit-Limit / -Remaining / -Reset
(seconds, draft-ietf-httpapi-ratelimit-headers) of the tightest limit it met;
a refusal is 429 with Retry-After.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time

from flask import Flask, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from redis.exceptions import NoScriptError

from kit.errors import TooManyAttempts

LIMITS: dict[str, str] = {
    # every /api/v1 and /staff/v1 request
    "ip": "300/minute",                      # per client IP (a NAT of many households stays well below)
    "user": "600/minute",                    # per signed-in user, whatever the IP
    # sign-in
    "login_ip": "30/minute;300/hour",        # per address; never per identity (that would lock its owner out)
    "staff_login_ip": "10/minute;50/hour",
    "code_ip": "30/10minutes",               # confirmations with a code or link, per IP
    "captcha_ip": "60/10minutes",            # new captchas and audio variants, per IP
    "password_user": "10/hour",              # password checks of a signed-in user (change password, contact)
    # binding an account or a contract (accounts limits *failed* proofs per cabinet, and asks for a captcha
    # for a number under pressure)
    "bind_user": "10/minute;60/hour",
    "bind_ip": "60/hour;300/day",            # many fresh cabinets guessing from one address
    "request_user": "20/hour;50/day",        # new service requests, meter-data error reports, «Отправить сообщение»
    # anything that sends an SMS or an e-mail (registration, resend, recovery, contact change)
    "send_ip": "10/hour;30/day",
    "send_destination": "3/10minutes;10/day",
    "send_sms_global": "1000/hour",          # SMS pumping: a cap on the money an attacker can burn
    "send_email_global": "5000/hour",
    # paying without signing in (look-up of an account by number and the payment itself), per IP: with the
    # captcha, it bounds guessing numbers to read the terminal view
    "public_pay_ip": "30/10minutes;200/day",
    # readings without signing in, per IP: with the captcha and the meter number as the second fact, it bounds
    # guessing (a household sends one or two a month)
    "public_readings_ip": "20/10minutes;100/day",
    # «Отправить сообщение» without signing in, per IP (with the captcha): a person writes a few a day
    "public_feedback_ip": "5/10minutes;20/day",
    # partners (/partners/v1): a bank's or terminal network's servers send many payments from few addresses,
    # so they have their own per-IP limit (it also bounds unsigned guessing) and a per-partner one
    "partner_ip": "3000/minute",
    "partner": "3000/minute",
}


QUIET = {"ip", "user", "partner_ip", "partner"}  # limits every request passes: RateLimit headers only when they refuse


class RateLimited(TooManyAttempts):
    code = "rate_limited"
    message = "Слишком много запросов. Попробуйте позже."


class Throttle:
    def __init__(self, storage_uri: str, overrides: dict[str, str] | None = None, *, secret: str = "") -> None:
        unknown = set(overrides or {}) - set(LIMITS)
        if unknown:
            raise ValueError(f"unknown rate limits: {sorted(unknown)}")
        self.rules: dict[str, list[RateLimitItem]] = {
            name: parse_many(value) for name, value in {**LIMITS, **(overrides or {})}.items()}
        self._uri = storage_uri
        self._secret = secret.encode()
        self._limiter = None
        self._lock = threading.Lock()

    @property
    def limiter(self) -> SlidingWindowCounterRateLimiter:
        if self._limiter is None:  # lazily: after gunicorn forks
            with self._lock:
                if self._limiter is None:
                    self._limiter = SlidingWindowCounterRateLimiter(storage_from_string(self._uri))
        return self._limiter

    def key(self, value: str) -> str:
        """An identity (phone, e-mail, login) as a store key: normalised and HMACed."""
        normal = value.strip().lower()
        if normal.startswith(("+", "8", "7")) and sum(c.isdigit() for c in normal) >= 10 and "@" not in normal:
            normal = "".join(c for c in normal if c.isdigit())[-10:]  # +7 911…, 8 (911) …: one phone
        return hmac.new(self._secret, normal.encode(), hashlib.sha256).hexdigest()[:32]

    def hit(self, name: str, *keys: str) -> None:
        """Count one request under limit `name` for `keys`; RateLimited (429) past any window.

        The window's stats (for the RateLimit headers) cost a second round trip to Redis, so the
        blanket per-IP and per-user limits that every request passes fetch them only when refusing."""
        for item in self.rules[name]:
            allowed = self.limiter.hit(item, name, *keys)
            if allowed and name in QUIET:
                continue
            reset, remaining = self.limiter.get_window_stats(item, name, *keys)
            seconds = max(1, math.ceil(reset - time.time()))
            _remember(item.amount, remaining, seconds)
            if not allowed:
                raise RateLimited(retry_after=seconds)


    def hit_with_read(self, hits: list[tuple[str, str]], key: str):
        """The blanket limits of a signed-in request — `hits` as (limit name, key) — and one read of the shared
        store (the revocation of its session) in one round trip to Redis; the value read. RateLimited (429) past
        any window. Without Redis (a single dev worker): the same, one call after the other."""
        storage = self.limiter.storage
        if not hasattr(storage, "lua_acquire_sliding_window"):
            for name, value in hits:
                self.hit(name, value)
            return NO_PIPELINE
        items = [(name, value, item) for name, value in hits for item in self.rules[name]]
        script = storage.lua_acquire_sliding_window  # what SlidingWindowCounterRateLimiter.hit runs
        calls = []
        for name, value, item in items:
            window = item.key_for(name, value)
            calls.append((storage.prefixed_key(storage._previous_window_key(window)),
                          storage.prefixed_key(storage._current_window_key(window)), item.amount, item.get_expiry(), 1))

        def trip():
            # EVALSHA straight: a pipeline running a Script object first asks SCRIPT EXISTS, a second round trip
            pipe = storage.get_connection().pipeline(transaction=False)
            for call in calls:
                pipe.evalsha(script.sha, 2, *call)
            pipe.get(key)
            return pipe.execute()

        try:
            *acquired, read = trip()
        except NoScriptError:  # a Redis restarted or flushed: none of the scripts ran, so nothing was counted yet
            script.sha = storage.get_connection().script_load(script.script)
            *acquired, read = trip()
        for (name, value, item), allowed in zip(items, acquired, strict=True):
            if not allowed:  # the stats of the refusing window for the headers: a second trip, only now
                reset, remaining = self.limiter.get_window_stats(item, name, value)
                seconds = max(1, math.ceil(reset - time.time()))
                _remember(item.amount, remaining, seconds)
                raise RateLimited(retry_after=seconds)
        return read


NO_PIPELINE = object()  # hit_with_read without Redis: the caller reads the store itself


def _remember(limit: int, remaining: int, reset: int) -> None:
    """Keep the tightest limit of this request for the RateLimit headers."""
    seen = g.get("ratelimit")
    if seen is None or remaining < seen[1]:
        g.ratelimit = (limit, remaining, reset)


def client_ip() -> str:
    return request.remote_addr or "unknown"


def throttle() -> Throttle:
    return current_app.extensions["kabinet.throttle"]


def init_app(app: Flask, throttle: Throttle) -> None:
    app.extensions["kabinet.throttle"] = throttle

    @app.after_request
    def headers(response):
        seen = g.get("ratelimit")
        if seen:
            response.headers["RateLimit-Limit"] = str(seen[0])
            response.headers["RateLimit-Remaining"] = str(seen[1])
            response.headers["RateLimit-Reset"] = str(seen[2])
        return response


def sending(channel: str, destination: str) -> None:
    """Caps on anything that makes auth send an SMS or an e-mail (per destination, per IP, overall).
    `channel` is what the request asks for ("sms" or "email"); when the client gave an identifier
    that auth alone resolves (recovery), the caller counts it as "sms", the costlier budget."""
    t = throttle()
    t.hit("send_destination", t.key(destination))
    t.hit("send_ip", client_ip())
    t.hit(f"send_{'email' if channel == 'email' else 'sms'}_global", "all")


def binding_attempt(user_id: str) -> None:
    """Caps on attempts to bind an account or a contract (accounts counts failed proofs itself)."""
    t = throttle()
    t.hit("bind_user", user_id)
    t.hit("bind_ip", client_ip())


def per_ip() -> None:
    if request.path.startswith("/partners/"):
        throttle().hit("partner_ip", client_ip())
    elif request.path.startswith(("/api/", "/staff/")):
        throttle().hit("ip", client_ip())


def per_ip_and_user(user_id: str, read_key: str):
    """per_ip and per_user of a request with a bearer token, with one read of the store (its session's
    revocation), in one round trip; the value read, or `NO_PIPELINE` when the caller must read it itself."""
    hits = [("ip", client_ip())] if request.path.startswith(("/api/", "/staff/")) else []
    return throttle().hit_with_read([*hits, ("user", user_id)], read_key)


def per_user(user_id: str) -> None:
    throttle().hit("user", user_id)


def per_partner(partner_id: str) -> None:
    throttle().hit("partner", partner_id)


class SignInGuard:
    """Progressive throttling of failed sign-ins, never a hard lock.

    Failures are counted per identity, per IP and per (identity, IP) pair, each
    for 15 minutes after the latest one. From the 3rd failure for an identity,
    or the 10th from an IP, every attempt needs a captcha. From the 5th failure
    of one pair, that IP waits 2, 4, 8 … up to 300 seconds between attempts for
    that identity; other IPs (the real owner) are not delayed, only asked for a
    captcha. The account lock itself is auth's (100 consecutive failures).
    Unknown identities count exactly like known ones, so nothing is revealed.
    """

    WINDOW = 15 * 60
    CAPTCHA_AFTER_IDENTITY = 3
    CAPTCHA_AFTER_IP = 10
    DELAY_AFTER_PAIR = 5
    MAX_DELAY = 300

    def __init__(self, store, throttle: Throttle, prefix: str = "gw:signin") -> None:
        self.store = store
        self.throttle = throttle
        self.prefix = prefix

    def _keys(self, identity: str, ip: str) -> tuple[str, str, str, str]:
        ident = self.throttle.key(identity)
        p = self.prefix
        return f"{p}:id:{ident}", f"{p}:ip:{ip}", f"{p}:pair:{ident}:{ip}", f"{p}:wait:{ident}:{ip}"

    def check(self, identity: str, ip: str) -> bool:
        """Raise RateLimited while this IP must wait for this identity; True when a captcha is needed."""
        by_id, by_ip, _pair, wait = self._keys(identity, ip)
        left = self.store.ttl(wait)
        if left and left > 0:
            raise RateLimited("Слишком много неудачных попыток входа. Попробуйте позже.",
                              code="signin_throttled", retry_after=left)
        return (int(self.store.get(by_id) or 0) >= self.CAPTCHA_AFTER_IDENTITY
                or int(self.store.get(by_ip) or 0) >= self.CAPTCHA_AFTER_IP)

    def failed(self, identity: str, ip: str) -> None:
        by_id, by_ip, pair, wait = self._keys(identity, ip)
        self.store.incr_with_ttl(by_id, self.WINDOW)
        self.store.incr_with_ttl(by_ip, self.WINDOW)
        count = self.store.incr_with_ttl(pair, self.WINDOW)
        if count >= self.DELAY_AFTER_PAIR:
            self.store.set(wait, b"1", ex=min(2 ** (count - self.DELAY_AFTER_PAIR + 1), self.MAX_DELAY))

    def succeeded(self, identity: str, ip: str) -> None:
        by_id, _by_ip, pair, wait = self._keys(identity, ip)
        self.store.delete(by_id, pair, wait)
