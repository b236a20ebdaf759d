"""Composition root of the payments service: `python -m services.payments api|worker|migrate`
(seed-demo: nothing; the demo supplier's money data comes in through the registry, tools.onboard)."""

from __future__ import annotations

from pathlib import Path

from kabinet.payments.v1 import payments_pb2_grpc

from kit.service import Service
from services.payments.adapters.accounts import AccountsClient
from services.payments.adapters.auth import AuthClient
from services.payments.adapters.yookassa import provider_from_config
from services.payments.config import PaymentsConfig
from services.payments.entrypoints.api import PaymentsServicer
from services.payments.entrypoints.api_card_payments import CardSettings
from services.payments.entrypoints.events import subscriptions
from services.payments.entrypoints.jobs import jobs
from services.payments.service_layer.unit_of_work import PaymentsUnitOfWork


def servicer(rt):
    servicer = PaymentsServicer(rt.uow, AccountsClient(rt.config.target("accounts")), test_clock=rt.config.is_dev,
                                auth=AuthClient(rt.config.target("auth")), provider=provider_from_config(rt.config),
                                card_settings=CardSettings.of(rt.config))
    return lambda server: payments_pb2_grpc.add_PaymentsServicer_to_server(servicer, server)


SERVICE = Service("payments", Path(__file__).parent, PaymentsUnitOfWork, servicer,
                  subscriptions=lambda rt: subscriptions(), jobs=jobs, config_class=PaymentsConfig)
