"""Composition root of the auth service: `python -m services.auth api|worker|migrate|seed-demo`."""

from __future__ import annotations

from pathlib import Path

from kabinet.auth.v1 import auth_pb2_grpc

from kit.service import ServiceRuntime, migrate
from kit.tokens import TokenVerifier
from services.auth.config import AuthConfig
from services.auth.entrypoints.api import AuthServicer
from services.auth.service_layer import handlers
from services.auth.service_layer.unit_of_work import AuthUnitOfWork

NAME = "auth"
HERE = Path(__file__).parent


def runtime(config: AuthConfig) -> ServiceRuntime:
    return ServiceRuntime(NAME, config, AuthUnitOfWork)


def api(config: AuthConfig) -> None:
    rt = runtime(config)
    handlers.ensure_signing_key(rt.uow())
    servicer = AuthServicer(rt.uow, config.code_pepper)
    verifier = TokenVerifier(lambda: handlers.jwks(rt.uow()))
    rt.serve(lambda server: auth_pb2_grpc.add_AuthServicer_to_server(servicer, server), verifier)


def worker(config: AuthConfig) -> None:
    runtime(config).run_worker(subscriptions=[])


def seed_demo(config: AuthConfig) -> None:
    from services.auth.entrypoints.demo import load_demo

    load_demo(runtime(config))


COMMANDS = {"api": api, "worker": worker, "migrate": lambda c: migrate(c, HERE), "seed-demo": seed_demo}
