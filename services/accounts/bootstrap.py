"""Composition root of the accounts service: `python -m services.accounts api|worker|migrate|seed-demo`."""

from __future__ import annotations

from pathlib import Path

from kabinet.accounts.v1 import accounts_pb2_grpc

from kit.service import Service
from services.accounts.entrypoints.api import AccountsServicer
from services.accounts.entrypoints.demo import load_demo
from services.accounts.entrypoints.events import subscriptions
from services.accounts.service_layer.unit_of_work import AccountsUnitOfWork


def servicer(rt):
    servicer = AccountsServicer(rt.uow)
    return lambda server: accounts_pb2_grpc.add_AccountsServicer_to_server(servicer, server)


SERVICE = Service("accounts", Path(__file__).parent, AccountsUnitOfWork, servicer, seed_demo=load_demo,
                  subscriptions=lambda rt: subscriptions())
