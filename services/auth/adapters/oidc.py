"""OpenID Connect relying party (authorization code flow with PKCE) on authlib and joserfc."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

TIMEOUT = 10
METADATA_TTL = 3600
ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"]


class OidcError(Exception):
    """The provider's answer cannot be trusted (exchange failed, bad signature, claims, nonce)."""


@dataclass(frozen=True)
class Identity:
    subject: str
    display_name: str


class OidcClient:
    """One provider: discovery (cached), the authorization URL, the code exchange and ID token checks."""

    def __init__(self, config) -> None:
        self.config = config
        self._metadata: dict | None = None
        self._fetched = 0.0
        self._lock = threading.Lock()

    def metadata(self) -> dict:
        with self._lock:
            if self._metadata is None or time.monotonic() - self._fetched > METADATA_TTL:
                meta = {}
                if not (self.config.authorization_endpoint and self.config.token_endpoint and self.config.jwks_uri):
                    url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
                    response = requests.get(url, timeout=TIMEOUT)
                    response.raise_for_status()
                    meta = response.json()
                for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                    if getattr(self.config, key):
                        meta[key] = getattr(self.config, key)
                self._metadata, self._fetched = meta, time.monotonic()
            return self._metadata

    def _session(self, redirect_uri: str) -> OAuth2Session:
        return OAuth2Session(self.config.client_id, self.config.client_secret or None, redirect_uri=redirect_uri,
                             scope=self.config.scope, code_challenge_method="S256")

    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str, code_verifier: str) -> str:
        url, _ = self._session(redirect_uri).create_authorization_url(
            self.metadata()["authorization_endpoint"], state=state, nonce=nonce, code_verifier=code_verifier)
        return url

    def identity(self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str) -> Identity:
        """Exchanges the code and validates the ID token (signature, iss, aud, exp, nonce)."""
        meta = self.metadata()
        try:
            with self._session(redirect_uri) as session:
                token = session.fetch_token(meta["token_endpoint"], code=code, code_verifier=code_verifier,
                                            redirect_uri=redirect_uri, timeout=TIMEOUT)
            id_token = token.get("id_token")
            if not id_token:
                raise OidcError("no id_token")
            keys = requests.get(meta["jwks_uri"], timeout=TIMEOUT)
            keys.raise_for_status()
            claims = jwt.decode(id_token, KeySet.import_key_set(keys.json()), algorithms=ALGORITHMS).claims
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": meta.get("issuer", self.config.issuer)},
                aud={"essential": True, "value": self.config.client_id},
                sub={"essential": True}, exp={"essential": True},
                nonce={"essential": True, "value": nonce}, leeway=30,
            ).validate(claims)
        except OidcError:
            raise
        except (JoseError, requests.RequestException, ValueError, KeyError) as exc:
            raise OidcError(f"{type(exc).__name__}: {exc}") from exc
        except Exception as exc:  # noqa: BLE001 - authlib raises its own OAuth errors
            raise OidcError(f"{type(exc).__name__}: {exc}") from exc
        name = claims.get("email") or claims.get("name") or claims.get("preferred_username") or ""
        return Identity(str(claims["sub"]), str(name)[:200])
