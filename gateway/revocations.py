"""Immediate sign-out: sessions that ended are remembered until their access tokens expire.

Access tokens are JWTs verified locally (5 minutes). When auth ends a session — sign-out, sign-out
everywhere, a revoked session, a password change or recovery that ends sessions — its reply lists the
ended session ids, and the gateway writes them here, in the shared store, for as long as a token of
theirs can live. Every authenticated request checks its session id here first, so an ended session's
tokens stop working at once in every worker and replica."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app

PREFIX = "gw:ended:"
CLOCK_SKEW_SECONDS = 60


class Revocations:
    def __init__(self, store, access_ttl_seconds: int) -> None:
        self.store = store
        self.keep = access_ttl_seconds + CLOCK_SKEW_SECONDS

    def end(self, session_ids: Iterable[str]) -> None:
        for session_id in session_ids:
            if session_id:
                self.store.set(self.key(session_id), b"1", ex=self.keep)

    def ended(self, session_id: str) -> bool:
        return bool(session_id) and self.is_ended(self.store.get(self.key(session_id)))

    @staticmethod
    def key(session_id: str) -> str:
        """The store key of a session's revocation (read by the gateway with the request's rate limits)."""
        return PREFIX + session_id

    @staticmethod
    def is_ended(value) -> bool:
        """Whether the value read at `key` says the session ended."""
        return value is not None


def sessions_ended(reply) -> None:
    """Remember the sessions an auth reply says have ended."""
    current_app.extensions["kabinet.revocations"].end(reply.ended_session_ids)
