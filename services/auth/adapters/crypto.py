"""Password hashing (argon2id), one-time code and refresh-token digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP: argon2id, m=19 MiB, t=2, p=1 at least.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16)
_DUMMY = HASHER.hash("dummy-password-for-timing")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Constant work whether or not a user exists: a missing hash checks a dummy one."""
    try:
        return HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return HASHER.check_needs_rehash(stored)


def code_digest(pepper: str, code_id: str, code: str) -> str:
    return hmac.new(pepper.encode(), f"{code_id}:{code}".encode(), hashlib.sha256).hexdigest()


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def _totp_key(pepper: str) -> bytes:
    return hmac.new(pepper.encode(), b"kabinet-totp-seal", hashlib.sha256).digest()


def seal(pepper: str, secret: str) -> str:
    """Encrypts a TOTP secret at rest (AES-256-GCM, key derived from the server's pepper)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    return (nonce + AESGCM(_totp_key(pepper)).encrypt(nonce, secret.encode(), b"totp")).hex()


def unseal(pepper: str, sealed: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = bytes.fromhex(sealed)
    return AESGCM(_totp_key(pepper)).decrypt(raw[:12], raw[12:], b"totp").decode()
