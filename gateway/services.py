"""The gateway's view of the services: one client per service, created after fork."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import grpc
from flask import current_app
from grpc_health.v1 import health_pb2, health_pb2_grpc
from kabinet.accounts.v1 import accounts_pb2_grpc
from kabinet.auth.v1 import auth_pb2_grpc
from kabinet.notify.v1 import notify_pb2_grpc
from kabinet.payments.v1 import payments_pb2_grpc
from kabinet.readings.v1 import readings_pb2_grpc

from gateway.config import GatewayConfig
from kit.grpc_client import ServiceClient

STUBS = {
    "auth": auth_pb2_grpc.AuthStub,
    "accounts": accounts_pb2_grpc.AccountsStub,
    "readings": readings_pb2_grpc.ReadingsStub,
    "payments": payments_pb2_grpc.PaymentsStub,
    "notify": notify_pb2_grpc.NotifyStub,
}


class Services:
    def __init__(self, config: GatewayConfig) -> None:
        self.clients = {name: ServiceClient(config.target(name), stub, timeout=config.service_timeout)
                        for name, stub in STUBS.items()}
        self.auth = self.clients["auth"]
        self.accounts = self.clients["accounts"]
        self.readings = self.clients["readings"]
        self.payments = self.clients["payments"]
        self.notify = self.clients["notify"]

    def health(self, timeout: float = 1.0) -> dict[str, str]:
        """SERVING / NOT_SERVING / UNAVAILABLE for every service, asked in parallel."""
        def check(client: ServiceClient) -> str:
            try:
                reply = health_pb2_grpc.HealthStub(client.channel).Check(
                    health_pb2.HealthCheckRequest(service=""), timeout=timeout)
            except grpc.RpcError:
                return "UNAVAILABLE"
            return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)

        with ThreadPoolExecutor(max_workers=len(self.clients)) as pool:
            return dict(zip(self.clients, pool.map(check, self.clients.values()), strict=True))


def _client(name: str) -> ServiceClient:
    return current_app.extensions["kabinet.services"].clients[name]


def auth() -> ServiceClient:
    return _client("auth")


def accounts() -> ServiceClient:
    return _client("accounts")


def readings() -> ServiceClient:
    return _client("readings")


def payments() -> ServiceClient:
    return _client("payments")


def notify() -> ServiceClient:
    return _client("notify")
