"""The auth service, as SMS readings sees it: whose verified phone sent this SMS."""

from __future__ import annotations

from kabinet.auth.v1 import auth_pb2, auth_pb2_grpc

from kit.grpc_client import ServiceClient


class AuthClient:
    def __init__(self, target: str) -> None:
        self.client = ServiceClient(target, auth_pb2_grpc.AuthStub)

    def user_by_phone(self, phone: str) -> str:
        """The user whose verified sign-in phone this is: auth's FindUserByPhone with the caller's (the SMS
        gateway's) token; raises NotFound "user_not_found", Forbidden or Unavailable."""
        reply = self.client.call("FindUserByPhone", auth_pb2.FindUserByPhoneRequest(phone=phone), idempotent=True)
        return reply.user_id
