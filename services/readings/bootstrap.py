"""Composition root of the readings service: `python -m services.readings api|worker|migrate`
(seed-demo: nothing; the demo meters' last readings come in through the registry, tools.onboard)."""

from __future__ import annotations

from pathlib import Path

from kabinet.readings.v1 import readings_pb2_grpc

from kit.service import Service
from services.readings.adapters.accounts import AccountsClient
from services.readings.adapters.auth import AuthClient
from services.readings.adapters.payments import PaymentsClient
from services.readings.config import ReadingsConfig
from services.readings.entrypoints.api import ReadingsServicer
from services.readings.entrypoints.events import subscriptions
from services.readings.entrypoints.jobs import jobs
from services.readings.service_layer.unit_of_work import ReadingsUnitOfWork


def servicer(rt):
    servicer = ReadingsServicer(rt.uow, AccountsClient(rt.config.target("accounts")),
                                PaymentsClient(rt.config.target("payments")))
    servicer.configure_due(test_clock=rt.config.is_dev, closing_days=rt.config.due_closing_days)
    servicer.configure_sms(AuthClient(rt.config.target("auth")))
    return lambda server: readings_pb2_grpc.add_ReadingsServicer_to_server(servicer, server)


SERVICE = Service("readings", Path(__file__).parent, ReadingsUnitOfWork, servicer,
                  subscriptions=lambda rt: subscriptions(), jobs=jobs, config_class=ReadingsConfig)
