"""What every service's composition root needs: engine, units of work, health checks, commands."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from kit.db import make_engine, session_factory
from kit.grpc_server import database_check, nats_check, serve
from kit.migrations import upgrade
from kit.settings import ServiceConfig
from kit.worker import run_worker


class ServiceRuntime:
    """Composition root of one service process. Built in main, never at import."""

    def __init__(self, name: str, config: ServiceConfig, uow_class: type) -> None:
        self.name = name
        self.config = config
        self.engine = make_engine(config.database_url, pool_size=config.db_pool_size,
                                  application_name=name)
        self._sessions = session_factory(self.engine)
        self.uow_class = uow_class

    def uow(self):
        return self.uow_class(self._sessions, self.name)

    def serve(self, register: Callable, verifier) -> None:
        checks = {"database": database_check(self.engine), "nats": nats_check(self.config.nats_servers)}
        serve(self.config, self.name, register, checks, verifier)

    def run_worker(self, subscriptions: list) -> None:
        asyncio.run(run_worker(self.config, self.name, subscriptions, self.uow))


def migrate(config: ServiceConfig, package_dir: Path) -> None:
    upgrade(config.database_url, package_dir / "migrations")
