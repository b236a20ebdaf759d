"""The auth service, as payments sees it: the caller's confirmed e-mail (autopay needs one)."""

from __future__ import annotations

from kabinet.auth.v1 import auth_pb2, auth_pb2_grpc

from kit.grpc_client import ServiceClient


class AuthClient:
    def __init__(self, target: str) -> None:
        self.client = ServiceClient(target, auth_pb2_grpc.AuthStub)

    def confirmed_email(self) -> str:
        """The caller's (token forwarded) verified sign-in e-mail, "" when none; raises Unavailable."""
        return self.client.call("GetProfile", auth_pb2.GetProfileRequest(), idempotent=True).email
