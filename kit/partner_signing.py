"""How a partner signs a request to /partners/v1 (docs/partners-api.md), written once: partners' clients and the
tests sign with it, auth verifies with it.

The canonical string is six lines joined by "\\n" (no trailing newline):

    KABINET-HMAC-SHA256
    <METHOD, upper case>
    <request target: the path as sent, percent-encoded, plus "?" and the query string as sent when there is one>
    <timestamp: Unix seconds, decimal>
    <nonce: 16-64 characters of A-Z a-z 0-9 _ ->
    <SHA-256 of the body bytes, lower-case hex (of the empty string when there is no body)>

and the signature is HMAC-SHA256 over its UTF-8 bytes, keyed with the UTF-8 bytes of the key's secret, in
lower-case hex. The signature covers everything the server acts on; the key id names the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SCHEME = "KABINET-HMAC-SHA256"
KEY_HEADER = "X-Kabinet-Key"
TIMESTAMP_HEADER = "X-Kabinet-Timestamp"
NONCE_HEADER = "X-Kabinet-Nonce"
SIGNATURE_HEADER = "X-Kabinet-Signature"


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body or b"").hexdigest()


def canonical(method: str, target: str, timestamp: str, nonce: str, body_digest: str) -> str:
    return "\n".join((SCHEME, method.upper(), target, timestamp, nonce, body_digest.lower()))


def signature(secret: str, method: str, target: str, timestamp: str, nonce: str, body_digest: str) -> str:
    message = canonical(method, target, timestamp, nonce, body_digest).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_matches(secret: str, given: str, method: str, target: str, timestamp: str, nonce: str,
                      body_digest: str) -> bool:
    """Constant-time comparison of `given` with the signature the secret makes."""
    expected = signature(secret, method, target, timestamp, nonce, body_digest)
    return hmac.compare_digest(expected, (given or "").strip().lower())


def new_nonce() -> str:
    return secrets.token_urlsafe(18)  # 24 characters


def signed_headers(key_id: str, secret: str, method: str, target: str, body: bytes = b"", *,
                   timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
    """The four headers of a signed request (a client's helper)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or new_nonce()
    return {KEY_HEADER: key_id, TIMESTAMP_HEADER: stamp, NONCE_HEADER: nonce,
            SIGNATURE_HEADER: signature(secret, method, target, stamp, nonce, body_sha256(body))}
