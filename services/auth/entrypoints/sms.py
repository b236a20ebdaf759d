"""The SMS-readings part of the auth gRPC API (mixed into AuthServicer): whose verified phone sent an SMS."""

from __future__ import annotations

from kabinet.auth.v1 import auth_pb2 as pb

from kit.context import caller
from services.auth.service_layer import sms


class SmsRpcs:
    """Needs `self.uow` (a unit-of-work factory)."""

    def FindUserByPhone(self, request, context):
        # [caller: partner sms_gateway]: the gateway's partner token, forwarded by readings.
        user_id, phone = sms.find_user_by_phone(self.uow(), caller(), phone=request.phone)
        return pb.UserByPhone(user_id=user_id, phone=phone)
