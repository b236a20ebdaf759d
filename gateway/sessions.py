"""Browser sessions: an opaque cookie, the tokens server-side, CSRF tokens.

The cookie carries only a random gateway session id (256 bits). The store maps
SHA-256(id) to the session record — access token, refresh token, CSRF token —
encrypted with AES-GCM under a key derived from the id and the secret key, so
neither a copy of Redis nor the secret alone yields a usable token, and a page
script never sees one (HttpOnly). Signing out deletes the record: the cookie is
dead at once, in every worker.

The gateway refreshes the short-lived access token transparently when it has
less than REFRESH_MARGIN seconds left; a per-session lock in the store makes
one worker do it while parallel requests wait for the result (auth treats a
second use of a refresh token as theft and revokes the family).

Cookies: HttpOnly, SameSite=Lax, Path=/, and — over https and always outside the
dev/test profiles — Secure with the `__Host-` prefix (no Domain: not shared with
subdomains). Lax rather than Strict so that a link from the confirmation or
recovery e-mail opens the cabinet signed in; cross-site POSTs never carry the
cookie, and every unsafe cookie-authenticated request needs the CSRF token too.
Plain http is accepted only in the dev/test profiles (`make run` on
http://127.0.0.1), where the cookie has no Secure flag and no prefix.

CSRF: a synchronizer token per session, kept in the record, handed to the page
in the login reply and in a readable `kabinet_csrf` cookie; unsafe requests
authenticated by the cookie must echo it in `X-CSRF-Token`. In addition any
unsafe request whose Origin (or Referer) is not ours is refused (login CSRF).
Bearer-token clients (mobile) need neither: a browser never adds that header
cross-site.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app, request

from kit.errors import Forbidden, Unauthenticated

REFRESH_MARGIN = 30          # seconds of access-token life left that trigger a refresh
LOCK_SECONDS = 10
WAIT_STEPS = 40              # x 0.1 s: how long a request waits for another worker's refresh
PREFIX = "gw:sess:"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
AUDIENCES = {"customer": ("kabinet_session", "kabinet_csrf"),
             "staff": ("kabinet_staff_session", "kabinet_staff_csrf")}


@dataclass
class Record:
    access: str
    access_exp: float
    refresh: str
    refresh_exp: float
    csrf: str
    audience: str
    remember: bool

    @classmethod
    def from_pair(cls, pair, audience: str, csrf: str | None = None) -> Record:
        now = time.time()
        return cls(pair.access_token, now + pair.access_expires_in, pair.refresh_token,
                   now + pair.refresh_expires_in, csrf or secrets.token_urlsafe(32), audience,
                   bool(pair.remember_me))


class BrowserSessions:
    def __init__(self, store, secret: str, refresh) -> None:
        """`refresh(refresh_token) -> TokenPair` (auth's Refresh; raises Unauthenticated when refused)."""
        self.store = store
        self._secret = secret.encode()
        self._refresh = refresh

    # --- the record ---
    def _key(self, sid: str) -> str:
        return PREFIX + hashlib.sha256(b"id|" + sid.encode()).hexdigest()

    def _aead(self, sid: str) -> AESGCM:
        return AESGCM(hmac.new(self._secret, b"key|" + sid.encode(), hashlib.sha256).digest())

    def save(self, sid: str, record: Record) -> None:
        ttl = max(int(record.refresh_exp - time.time()), 1)
        nonce = os.urandom(12)
        blob = nonce + self._aead(sid).encrypt(nonce, json.dumps(asdict(record)).encode(), None)
        self.store.set(self._key(sid), base64.b64encode(blob), ex=ttl)

    def load(self, sid: str) -> Record | None:
        if not sid or len(sid) > 100:
            return None
        blob = self.store.get(self._key(sid))
        if blob is None:
            return None
        raw = base64.b64decode(blob)
        try:
            return Record(**json.loads(self._aead(sid).decrypt(raw[:12], raw[12:], None)))
        except (InvalidTag, ValueError, TypeError):
            return None

    def start(self, pair, audience: str) -> tuple[str, Record]:
        """A new gateway session for a fresh sign-in: always a new id (no fixation)."""
        sid = secrets.token_urlsafe(32)
        record = Record.from_pair(pair, audience)
        self.save(sid, record)
        return sid, record

    def end(self, sid: str) -> Record | None:
        record = self.load(sid)
        self.store.delete(self._key(sid))
        return record

    # --- use ---
    def current(self, sid: str, audience: str) -> Record | None:
        """The live record with an access token good for a while, refreshed if needed."""
        record = self.load(sid)
        if record is None or record.audience != audience:
            return None
        if record.access_exp - time.time() > REFRESH_MARGIN:
            return record
        lock = self._key(sid) + ":lock"
        if self.store.set(lock, b"1", nx=True, ex=LOCK_SECONDS):
            try:
                return self._do_refresh(sid)
            finally:
                self.store.delete(lock)
        if record.access_exp > time.time() + 2:
            return record  # still valid; another worker is refreshing it
        for _ in range(WAIT_STEPS):
            time.sleep(0.1)
            record = self.load(sid)
            if record is None or record.access_exp - time.time() > REFRESH_MARGIN:
                return record
        return None

    def _do_refresh(self, sid: str) -> Record | None:
        record = self.load(sid)  # another worker may have just refreshed it
        if record is None or record.access_exp - time.time() > REFRESH_MARGIN:
            return record
        try:
            pair = self._refresh(record.refresh)
        except Unauthenticated:
            self.store.delete(self._key(sid))
            return None
        return self.swap_tokens(sid, record, pair)

    def swap_tokens(self, sid: str, record: Record, pair) -> Record:
        """The same browser session (id, CSRF token, remember) with a new token pair of its auth session:
        after a refresh, or a step-up that gave a fresher auth_time."""
        fresh = Record.from_pair(pair, record.audience, csrf=record.csrf)
        fresh.remember = record.remember
        self.save(sid, fresh)
        return fresh


# --- cookies ---
def secure_cookies() -> bool:
    return request.is_secure or not current_app.config["KABINET"].is_dev


def cookie_names(audience: str) -> tuple[str, str]:
    session, csrf = AUDIENCES[audience]
    return (f"__Host-{session}", f"__Host-{csrf}") if secure_cookies() else (session, csrf)


def set_cookies(response, sid: str, record: Record) -> None:
    session_name, csrf_name = cookie_names(record.audience)
    max_age = max(int(record.refresh_exp - time.time()), 1) if record.remember else None
    common = dict(max_age=max_age, path="/", secure=secure_cookies(), samesite="Lax")
    response.set_cookie(session_name, sid, httponly=True, **common)
    response.set_cookie(csrf_name, record.csrf, httponly=False, **common)


def clear_cookies(response, audience: str) -> None:
    for name in cookie_names(audience):
        response.delete_cookie(name, path="/", secure=secure_cookies(), samesite="Lax")


def session_cookie(audience: str) -> str:
    return request.cookies.get(cookie_names(audience)[0], "")


# --- CSRF ---
def allowed_origins() -> set[str]:
    config = current_app.config["KABINET"]
    own = request.host_url.rstrip("/")
    return {own, *(o.rstrip("/") for o in config.allowed_origins),
            *((config.public_url.rstrip("/"),) if config.public_url else ())}


def check_origin() -> None:
    """Unsafe requests from a browser must come from our own origin (covers login CSRF)."""
    if request.method not in UNSAFE:
        return
    origin = request.headers.get("Origin")
    if origin is None and request.referrer:
        parts = request.referrer.split("/")
        origin = "/".join(parts[:3]) if len(parts) >= 3 else "null"
    if origin is not None and origin.rstrip("/") not in allowed_origins():
        raise Forbidden("Запрос отклонён: чужой источник.", code="csrf_origin")


def check_csrf(record: Record) -> None:
    if request.method not in UNSAFE:
        return
    token = request.headers.get(CSRF_HEADER, "")
    if not token or not hmac.compare_digest(token.encode(), record.csrf.encode()):
        raise Forbidden("Обновите страницу и повторите действие.", code="csrf_failed")
