"""Access tokens: short-lived JWTs signed with Ed25519 (EdDSA), verified with a JWKS.

The auth service holds the private keys; everyone else verifies with the public
set it publishes (GetSigningKeys). A token signed by an unknown key makes the
verifier fetch the set again (at most every few seconds), so keys rotate
without downtime.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kit.context import Caller
from kit.errors import Unauthenticated

ISSUER = "kabinet-auth"
AUDIENCE = "kabinet"
ALGORITHM = "EdDSA"


def new_signing_key() -> tuple[str, bytes, dict]:
    """A fresh key: (kid, private key PEM, public JWK)."""
    key = Ed25519PrivateKey.generate()
    kid = uuid.uuid4().hex
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid=kid, use="sig", alg=ALGORITHM)
    return kid, pem, jwk


def sign_access_token(pem: bytes, kid: str, *, user_id: str, kind: str, session_id: str,
                      ttl_seconds: int, roles: tuple[str, ...] = (), onboarding_required: bool = False,
                      auth_time: int = 0) -> str:
    """`auth_time`: when the session's password was last entered (epoch seconds), for step-up checks."""
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": user_id, "kind": kind, "sid": session_id,
              "roles": list(roles), "iat": now, "nbf": now, "exp": now + ttl_seconds,
              "jti": uuid.uuid4().hex}
    if auth_time:
        claims["auth_time"] = int(auth_time)
    if onboarding_required:
        claims["onb"] = True
    key = serialization.load_pem_private_key(pem, password=None)
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})


class TokenVerifier:
    """Verifies access tokens against a key set fetched by `fetch_jwks` (JSON text)."""

    def __init__(self, fetch_jwks: Callable[[], str], *, min_refresh_seconds: float = 5.0,
                 cache_size: int = 10_000) -> None:
        self._fetch = fetch_jwks
        self._verified: dict[str, tuple[Caller, float]] = {}
        self._cache_size = cache_size
        self._keys: dict[str, object] = {}
        self._fetched_at = 0.0
        self._min_refresh = min_refresh_seconds
        self._lock = threading.Lock()

    def verify(self, token: str) -> Caller:
        """The caller a valid token names; Unauthenticated otherwise. Verified tokens are
        remembered until they expire (a session revoked in auth stops working when its
        short-lived access token does, as with any verifier that checks signatures only)."""
        cached = self._verified.get(token)
        if cached is not None and cached[1] > time.time():
            return cached[0]
        caller, expires = self._verify(token)
        if len(self._verified) >= self._cache_size:
            self._verified.clear()
        self._verified[token] = (caller, expires)
        return caller

    def _verify(self, token: str) -> tuple[Caller, float]:
        try:
            kid = jwt.get_unverified_header(token).get("kid", "")
        except jwt.PyJWTError:
            raise Unauthenticated(code="invalid_token") from None
        key = self._key(kid)
        if key is None:
            raise Unauthenticated(code="invalid_token")
        try:
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                                options={"require": ["exp", "sub", "sid", "kind"]}, leeway=5)
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("Сеанс истёк, войдите снова.", code="token_expired") from None
        except jwt.PyJWTError:
            raise Unauthenticated(code="invalid_token") from None
        return Caller(user_id=claims["sub"], kind=claims["kind"], session_id=claims["sid"],
                      roles=tuple(claims.get("roles", ())), onboarding_required=bool(claims.get("onb")),
                      token=token, auth_time=_auth_time(claims)), claims["exp"]

    def _key(self, kid: str):
        key = self._keys.get(kid)
        if key is not None:
            return key
        with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self._min_refresh:
                self._load()
            return self._keys.get(kid)

    def _load(self) -> None:
        self._fetched_at = time.monotonic()
        jwks = jwt.PyJWKSet.from_json(self._fetch())
        self._keys = {k.key_id: k.key for k in jwks.keys}


def _auth_time(claims: dict) -> int:
    """A token signed before auth_time existed (or with a malformed one) counts as no recent password."""
    value = claims.get("auth_time", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def remote_verifier(auth_target: str) -> TokenVerifier:
    """A verifier that fetches the public keys from the auth service (lazily, on first use)."""
    from kabinet.auth.v1 import auth_pb2, auth_pb2_grpc

    from kit.grpc_client import ServiceClient

    client = ServiceClient(auth_target, auth_pb2_grpc.AuthStub)
    return TokenVerifier(lambda: client.call("GetSigningKeys", auth_pb2.GetSigningKeysRequest(),
                                             idempotent=True, token="").jwks_json)
