"""Composition root of the auth service: `python -m services.auth api|worker|migrate|seed-demo`."""

from __future__ import annotations

from pathlib import Path

from kabinet.auth.v1 import auth_pb2_grpc

from kit.service import Service
from kit.tokens import TokenVerifier
from services.auth.config import AuthConfig
from services.auth.entrypoints.api import AuthServicer
from services.auth.entrypoints.demo import load_demo
from services.auth.service_layer import handlers
from services.auth.service_layer.unit_of_work import AuthUnitOfWork


def servicer(rt):
    handlers.ensure_signing_key(rt.uow())
    servicer = AuthServicer(rt.uow, rt.config.code_pepper)
    return lambda server: auth_pb2_grpc.add_AuthServicer_to_server(servicer, server)


def own_keys(rt) -> TokenVerifier:
    """Auth verifies tokens with the keys in its own database."""
    return TokenVerifier(lambda: handlers.jwks(rt.uow()))


SERVICE = Service("auth", Path(__file__).parent, AuthUnitOfWork, servicer, seed_demo=load_demo,
                  config_class=AuthConfig, verifier=own_keys)
