"""Each service's migrations build exactly the schema its code expects."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from kit.migrations import upgrade
from kit.outbox import kit_metadata

pytestmark = pytest.mark.integration
SERVICES = ["auth", "accounts", "readings", "payments", "notify"]


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_tables(service, database_url_factory):
    url = database_url_factory()
    package = importlib.import_module(f"services.{service}")
    upgrade(url, Path(package.__file__).parent / "migrations")
    upgrade(url, Path(package.__file__).parent / "migrations")  # a second run is a no-op
    metadata = importlib.import_module(f"services.{service}.adapters.orm").metadata
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                [kit_metadata, metadata])
    engine.dispose()
    assert diff == []
