"""A gateway built by create_app with in-process fakes: a local token signer instead of auth's keys,
memory:// instead of Redis. No service is called by these tests."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from gateway.app import create_app
from gateway.config import GatewayConfig
from kit.tokens import TokenVerifier, new_signing_key, sign_access_token

TARGETS = {f"{s}_target": "127.0.0.1:1" for s in ("auth", "accounts", "readings", "payments", "notify")}


class Signer:
    def __init__(self) -> None:
        self.kid, self.pem, jwk = new_signing_key()
        self.verifier = TokenVerifier(lambda: json.dumps({"keys": [jwk]}))

    def token(self, kind: str = "person", user_id: str = "u-1", ttl: int = 300, **kw) -> str:
        return sign_access_token(self.pem, self.kid, user_id=user_id, kind=kind, session_id="s-1",
                                 ttl_seconds=ttl, **kw)

    def pair(self, kind: str = "person", access_ttl: int = 300, refresh: str = "r-1", remember: bool = False):
        return SimpleNamespace(access_token=self.token(kind, ttl=access_ttl), access_expires_in=access_ttl,
                               refresh_token=refresh, refresh_expires_in=3600, remember_me=remember,
                               session_id="s-1", kind=kind, onboarding_required=False)


@pytest.fixture
def signer() -> Signer:
    return Signer()


@pytest.fixture
def make_app(signer):
    def make(**overrides):
        config = GatewayConfig(profile=overrides.pop("profile", "test"), redis_url="memory://",
                               **TARGETS, **overrides)
        return create_app(config, verifier=signer.verifier)
    return make


@pytest.fixture
def app(make_app):
    return make_app()
