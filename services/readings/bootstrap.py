"""Composition root of the readings service: `python -m services.readings api|worker|migrate|seed-demo`."""

from __future__ import annotations

from pathlib import Path

from kabinet.readings.v1 import readings_pb2_grpc

from kit.service import ServiceRuntime, migrate
from kit.settings import ServiceConfig
from kit.tokens import remote_verifier
from services.readings.adapters.accounts import AccountsClient
from services.readings.entrypoints.api import ReadingsServicer
from services.readings.service_layer.unit_of_work import ReadingsUnitOfWork

NAME = "readings"
HERE = Path(__file__).parent


def runtime(config: ServiceConfig) -> ServiceRuntime:
    return ServiceRuntime(NAME, config, ReadingsUnitOfWork)


def api(config: ServiceConfig) -> None:
    rt = runtime(config)
    servicer = ReadingsServicer(rt.uow, AccountsClient(config.target("accounts")))
    rt.serve(lambda server: readings_pb2_grpc.add_ReadingsServicer_to_server(servicer, server),
             remote_verifier(config.target("auth")))


def worker(config: ServiceConfig) -> None:
    runtime(config).run_worker(subscriptions=[])


def seed_demo(config: ServiceConfig) -> None:
    from services.readings.entrypoints.demo import load_demo

    load_demo(runtime(config))


COMMANDS = {"api": api, "worker": worker, "migrate": lambda c: migrate(c, HERE), "seed-demo": seed_demo}
