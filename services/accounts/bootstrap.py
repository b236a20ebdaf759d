"""Composition root of the accounts service: `python -m services.accounts api|worker|migrate|seed-demo`."""

from __future__ import annotations

from pathlib import Path

from kabinet.accounts.v1 import accounts_pb2_grpc

from kit.service import ServiceRuntime, migrate
from kit.settings import ServiceConfig
from kit.tokens import remote_verifier
from services.accounts.entrypoints.api import AccountsServicer
from services.accounts.service_layer.unit_of_work import AccountsUnitOfWork

NAME = "accounts"
HERE = Path(__file__).parent


def runtime(config: ServiceConfig) -> ServiceRuntime:
    return ServiceRuntime(NAME, config, AccountsUnitOfWork)


def api(config: ServiceConfig) -> None:
    rt = runtime(config)
    servicer = AccountsServicer(rt.uow)
    rt.serve(lambda server: accounts_pb2_grpc.add_AccountsServicer_to_server(servicer, server),
             remote_verifier(config.target("auth")))


def worker(config: ServiceConfig) -> None:
    runtime(config).run_worker(subscriptions=[])


def seed_demo(config: ServiceConfig) -> None:
    from services.accounts.entrypoints.demo import load_demo

    load_demo(runtime(config))


COMMANDS = {"api": api, "worker": worker, "migrate": lambda c: migrate(c, HERE), "seed-demo": seed_demo}
