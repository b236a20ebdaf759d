"""The readings runtime on a fresh migrated database of its own, for the integration tests."""

from __future__ import annotations

import pytest

from kit.migrations import upgrade
from kit.settings import load
from services.readings import bootstrap
from services.readings.config import ReadingsConfig


@pytest.fixture
def rt(database_url_factory, nats_url):
    url = database_url_factory("readings")
    upgrade(url, bootstrap.SERVICE.package_dir / "migrations")
    runtime = bootstrap.SERVICE.runtime(load(ReadingsConfig, profile="test", database_url=url, nats_url=nats_url))
    yield runtime
    runtime.engine.dispose()
