"""The auth gRPC API."""

from __future__ import annotations

from kabinet.auth.v1 import auth_pb2 as pb
from kabinet.auth.v1 import auth_pb2_grpc as pb_grpc

from kit.context import caller, require_caller
from services.auth.service_layer import handlers


class AuthServicer(pb_grpc.AuthServicer):
    def __init__(self, uow_factory, pepper: str) -> None:
        self.uow = uow_factory
        self.pepper = pepper

    def Register(self, request, context):
        registration_id, ttl = handlers.register(
            self.uow(), self.pepper, phone=request.phone, email=request.email, password=request.password,
            terms_version=request.terms_version, marketing_consent=request.marketing_consent)
        return pb.RegisterReply(registration_id=registration_id, code_ttl_seconds=ttl)

    def ConfirmContact(self, request, context):
        handlers.confirm_contact(self.uow(), self.pepper, registration_id=request.registration_id,
                                 code=request.code)
        return pb.ConfirmContactReply()

    def Login(self, request, context):
        return handlers.login(self.uow(), identifier=request.identifier, password=request.password,
                              remember_me=request.remember_me, device=request.device, ip=request.ip)

    def Refresh(self, request, context):
        return handlers.refresh(self.uow(), refresh_token=request.refresh_token)

    def Logout(self, request, context):
        current = caller()
        handlers.logout(self.uow(), refresh_token=request.refresh_token,
                        session_id=current.session_id if current else "")
        return pb.LogoutReply()

    def GetProfile(self, request, context):
        return handlers.profile(self.uow(), require_caller().user_id)

    def GetSigningKeys(self, request, context):
        return pb.SigningKeys(jwks_json=handlers.jwks(self.uow()))
