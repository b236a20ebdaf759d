"""A payments runtime on a fresh database of the session's PostgreSQL, migrated, with the demo data."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.migrations import upgrade
from kit.settings import load
from services.payments import bootstrap
from services.payments.entrypoints.demo import load_demo


@pytest.fixture
def rt(database_url_factory, nats_url):
    url = database_url_factory("payments")
    upgrade(url, Path(bootstrap.__file__).parent / "migrations")
    runtime = bootstrap.SERVICE.runtime(load(bootstrap.SERVICE.config_class, profile="test", database_url=url,
                                             nats_url=nats_url))
    load_demo(runtime)
    yield runtime
    runtime.engine.dispose()
