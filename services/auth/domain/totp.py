"""TOTP (RFC 6238, SHA-1, 6 digits, 30 s) for the staff second factor."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct
import urllib.parse

from kit.errors import InvalidInput

STEP = 30
DIGITS = 6
WINDOW = 1  # accept the previous and next step for clock drift


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def code_at(secret: str, step: int) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**DIGITS:0{DIGITS}d}"


def check_code_format(code: str) -> None:
    """The code from the authenticator app: 6 digits (spaces around them tolerated)."""
    if not re.fullmatch(rf"\s*[0-9]{{{DIGITS}}}\s*", code or ""):
        raise InvalidInput("Код из приложения — 6 цифр.", code="invalid_totp_format",
                           fields={"totp_code": "Код из приложения — 6 цифр."})


def matching_step(secret: str, code: str, now: float, last_step: int | None) -> int | None:
    """The time step `code` belongs to, if valid and newer than the last one used (no replay)."""
    code = (code or "").strip()
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = int(now // STEP)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str = "Kabinet") -> str:
    label = urllib.parse.quote(f"{issuer}:{account}")
    query = urllib.parse.urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1",
                                    "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{label}?{query}"
