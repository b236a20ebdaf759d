"""Composition root of the payments service: `python -m services.payments api|worker|migrate|seed-demo`."""

from __future__ import annotations

from pathlib import Path

from kabinet.payments.v1 import payments_pb2_grpc

from kit.service import ServiceRuntime, migrate
from kit.settings import ServiceConfig
from kit.tokens import remote_verifier
from services.payments.adapters.accounts import AccountsClient
from services.payments.entrypoints.api import PaymentsServicer
from services.payments.entrypoints.events import subscriptions
from services.payments.service_layer.unit_of_work import PaymentsUnitOfWork

NAME = "payments"
HERE = Path(__file__).parent


def runtime(config: ServiceConfig) -> ServiceRuntime:
    return ServiceRuntime(NAME, config, PaymentsUnitOfWork)


def api(config: ServiceConfig) -> None:
    rt = runtime(config)
    servicer = PaymentsServicer(rt.uow, AccountsClient(config.target("accounts")))
    rt.serve(lambda server: payments_pb2_grpc.add_PaymentsServicer_to_server(servicer, server),
             remote_verifier(config.target("auth")))


def worker(config: ServiceConfig) -> None:
    runtime(config).run_worker(subscriptions=subscriptions())


def seed_demo(config: ServiceConfig) -> None:
    from services.payments.entrypoints.demo import load_demo

    load_demo(runtime(config))


COMMANDS = {"api": api, "worker": worker, "migrate": lambda c: migrate(c, HERE), "seed-demo": seed_demo}
