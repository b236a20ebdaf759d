"""A real auth runtime on PostgreSQL; the servicer is called directly with a caller context."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from sqlalchemy import select

from kit.context import caller_var
from kit.events import decode
from kit.migrations import upgrade
from kit.outbox import outbox
from kit.settings import load
from kit.tokens import TokenVerifier
from services.auth import bootstrap
from services.auth.config import AuthConfig
from services.auth.service_layer import keys


class Auth:
    """The servicer plus helpers to act as a caller and read what auth sent."""

    def __init__(self, rt, servicer) -> None:
        self.rt = rt
        self.api = servicer
        self.verifier = TokenVerifier(lambda: keys.jwks(rt.uow()), min_refresh_seconds=0)

    @contextlib.contextmanager
    def as_(self, access_token: str):
        token = caller_var.set(self.verifier.verify(access_token))
        try:
            yield
        finally:
            caller_var.reset(token)

    def call(self, access_token: str, method: str, request):
        with self.as_(access_token):
            return getattr(self.api, method)(request, None)

    def events(self, subject: str | None = None) -> list:
        with self.rt.engine.connect() as conn:
            rows = conn.execute(select(outbox.c.subject, outbox.c.envelope).order_by(outbox.c.seq)).all()
        return [decode(r.envelope).payload for r in rows if subject is None or r.subject == subject]

    def last_code(self, destination: str):
        sent = [e for e in self.events("auth.code.requested") if e.destination == destination]
        return sent[-1] if sent else None


MIGRATIONS = Path(bootstrap.__file__).parent / "migrations"


def make_runtime(database_url_factory, nats_url, *, url: str | None = None, **overrides):
    """A runtime on a new database migrated to head (or on `url`, migrated to head)."""
    url = url or database_url_factory("auth")
    upgrade(url, MIGRATIONS)
    config = load(AuthConfig, profile="test", database_url=url, nats_url=nats_url, **overrides)
    return bootstrap.SERVICE.runtime(config)


@pytest.fixture
def auth(database_url_factory, nats_url):
    rt = make_runtime(database_url_factory, nats_url)
    keys.ensure_signing_key(rt.uow())
    yield Auth(rt, bootstrap.build_servicer(rt))
    rt.engine.dispose()
