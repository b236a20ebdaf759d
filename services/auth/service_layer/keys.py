"""The keys that sign access tokens, and the public half (JWKS) others verify them with."""

from __future__ import annotations

import json

from kit.tokens import new_signing_key
from services.auth.domain.sessions import KEY_OVERLAP
from services.auth.service_layer.context import now


def ensure_signing_key(uow) -> None:
    with uow:
        uow.keys.lock()
        if uow.keys.active() is None:
            kid, pem, jwk = new_signing_key()
            uow.keys.add(kid, pem.decode(), jwk)
            uow.commit()


def jwks(uow) -> str:
    """The active key and those retired within KEY_OVERLAP (tokens they signed are still valid)."""
    with uow:
        return json.dumps({"keys": uow.keys.published(now() - KEY_OVERLAP)})
