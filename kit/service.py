"""How a service is put together, once: its runtime (engine, units of work) and its
process commands (`api`, `worker`, `migrate`, `seed-demo`)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from kit import metrics, tracing
from kit.db import make_engine, session_factory
from kit.demo import demo_data
from kit.grpc_server import database_check, nats_check, serve
from kit.migrations import upgrade
from kit.settings import ServiceConfig
from kit.tokens import TokenVerifier, remote_verifier
from kit.worker import run_worker


class ServiceRuntime:
    """The composition root of one service process. Built in main, never at import."""

    def __init__(self, name: str, config: ServiceConfig, uow_class: type) -> None:
        self.name = name
        self.config = config
        # At least a connection per gRPC thread: a pool smaller than the threads that use it opens and closes its
        # overflow connections under load (a backend fork and a SCRAM exchange each), which cost more than the
        # statements they run.
        pool_size = max(config.db_pool_size, config.grpc_threads)
        self.engine = tracing.traced_engine(make_engine(config.database_url, pool_size=pool_size,
                                                        application_name=name))
        self._sessions = session_factory(self.engine)
        self.uow_class = uow_class

    def uow(self):
        return self.uow_class(self._sessions, self.name)


def _auth_service_keys(rt: ServiceRuntime) -> TokenVerifier:
    return remote_verifier(rt.config.target("auth"))


def _no_demo_data(rt: ServiceRuntime) -> None:
    demo_data(rt.config)  # refuses outside the dev and test profiles, like every seed-demo


@dataclass(frozen=True)
class Service:
    """A service's parts. `servicer(rt)` returns the function that registers its gRPC
    servicer on a server; `subscriptions(rt)` its event consumers."""

    name: str
    package_dir: Path
    uow_class: type
    servicer: Callable[[ServiceRuntime], Callable[[grpc.Server], None]]
    subscriptions: Callable[[ServiceRuntime], list] = field(default=lambda rt: [])
    # Periodic jobs of the worker (kit.jobs.Job), e.g. payments' billing schedule and penalty accrual.
    jobs: Callable[[ServiceRuntime], list] = field(default=lambda rt: [])
    seed_demo: Callable[[ServiceRuntime], None] = _no_demo_data
    config_class: type[ServiceConfig] = ServiceConfig
    verifier: Callable[[ServiceRuntime], TokenVerifier] = _auth_service_keys
    # Service-specific commands, e.g. auth's `create-staff`: name -> fn(config, argv).
    extra_commands: dict[str, Callable[[ServiceConfig, list[str]], None]] = field(default_factory=dict)

    def runtime(self, config: ServiceConfig) -> ServiceRuntime:
        return ServiceRuntime(self.name, config, self.uow_class)

    def commands(self) -> dict[str, Callable[[ServiceConfig], None]]:
        return {"api": self.api, "worker": self.worker, "migrate": self.migrate,
                "seed-demo": lambda config: self.seed_demo(self.runtime(config))}

    def api(self, config: ServiceConfig) -> None:
        tracing.configure(f"{self.name}-api", config.trace_file)  # before the runtime: its engine is traced
        metrics.serve(config.metrics_listen)
        rt = self.runtime(config)
        register = self.servicer(rt)
        checks = {"database": database_check(rt.engine), "nats": nats_check(config.nats_servers)}
        settle_heap()
        serve(config, self.name, register, checks, self.verifier(rt))

    def worker(self, config: ServiceConfig) -> None:
        tracing.configure(f"{self.name}-worker", config.trace_file)
        metrics.serve(config.metrics_listen)
        rt = self.runtime(config)
        settle_heap()
        asyncio.run(run_worker(config, self.name, self.subscriptions(rt), rt.uow, self.jobs(rt)))

    def migrate(self, config: ServiceConfig) -> None:
        upgrade(config.database_url, self.package_dir / "migrations")


def settle_heap() -> None:
    """At the end of start-up: what is allocated by now (modules, the runtime, statements built once) lives as
    long as the process, so the cyclic collector stops walking it (gc.freeze); its full collections then cost
    what the requests' own garbage costs, not a pause over the whole heap."""
    gc.collect()
    gc.freeze()
