"""pytest fixtures on real infrastructure: `infra`, `stack`, `database_url_factory`, `nats_url`.

Both stacks run with profile "test" and fast (non-durable) PostgreSQL settings,
each in its own temporary directory, and start once per session.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator

import pytest

from devstack.stack import Stack, StackError


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "integration: needs real PostgreSQL and NATS")
    config.addinivalue_line("markers", "e2e: end-to-end through the gateway with every process running")


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """PostgreSQL (with the kabinet_<svc> databases) and NATS; no service processes."""
    infra = Stack(tmp_path_factory.mktemp("infra"), "test", fast=True, gateway=False)
    try:
        infra.start_infra()
    except StackError as exc:
        infra.stop()
        pytest.fail(f"PostgreSQL/NATS did not start:\n{exc}", pytrace=False)
    yield infra
    infra.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Everything: infrastructure, migrations, demo data, every API and worker, the gateway."""
    stack = Stack(tmp_path_factory.mktemp("stack"), "test", fast=True)
    try:
        stack.start()  # stops what it started if it fails; the logs stay
    except Exception as exc:
        pytest.fail(
            f"the stack did not start: {exc}\n\n===== the end of every log =====\n{stack.log_tails(10)}",
            pytrace=False,
        )
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def database_url_factory(infra: Stack) -> Callable[..., str]:
    """`make(prefix="test") -> url` of a new, empty database on the infra PostgreSQL."""

    def make(prefix: str = "test") -> str:
        name = f"{re.sub(r'[^a-z0-9_]', '_', prefix.lower())[:40]}_{uuid.uuid4().hex[:12]}"
        infra.postgres.ensure_database(name)
        return infra.postgres.url(name)

    return make


@pytest.fixture(scope="session")
def nats_url(infra: Stack) -> str:
    return infra.nats_url
