"""SMS readings (SubmitSmsReading): protobuf in, use case, protobuf out."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb

from kit.context import caller
from services.readings.service_layer import sms
from services.readings.service_layer.sms import UsersPort


class SmsRpcs:
    """Mixed into ReadingsServicer (self.uow, self.accounts, self.payments); `configure_sms` gives it auth (whose
    verified phone sent the SMS)."""

    users: UsersPort | None = None

    def configure_sms(self, users: UsersPort) -> None:
        self.users = users

    def SubmitSmsReading(self, request, context):
        answer = sms.answer_sms(self.uow, self.accounts, self.users, self.payments, caller(),
                                message_id=request.message_id, phone=request.phone, text=request.text)
        return pb.SmsReadingReply(outcome=answer.outcome, reply=answer.reply, reading_id=answer.reading_id,
                                  replayed=answer.replayed)
