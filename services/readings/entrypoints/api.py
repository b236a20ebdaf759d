"""The readings gRPC API: protobuf in, use case, protobuf out."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb
from kabinet.readings.v1 import readings_pb2_grpc as pb_grpc

from kit.context import require_caller
from services.readings.domain.model import ACCEPTED, Reading
from services.readings.service_layer import submission, views


class ReadingsServicer(pb_grpc.ReadingsServicer):
    def __init__(self, uow_factory, accounts) -> None:
        self.uow = uow_factory
        self.accounts = accounts

    def SubmitReading(self, request, context):
        user = require_caller()
        reading = submission.submit_reading(
            self.uow(), self.accounts, user_id=user.user_id, account_id=request.account_id,
            meter_id=request.meter_id, values={v.zone: v.value for v in request.values},
            idempotency_key=request.idempotency_key or None)
        return to_pb(reading)

    def ListReadings(self, request, context):
        user = require_caller()
        limit = min(max(request.limit or 20, 1), 200)
        readings = views.list_readings(self.uow(), self.accounts, user_id=user.user_id,
                                       account_id=request.account_id, limit=limit)
        return pb.ListReadingsReply(readings=[to_pb(r) for r in readings])


def to_pb(reading: Reading) -> pb.Reading:
    msg = pb.Reading(
        reading_id=reading.reading_id, account_id=reading.account_id, meter_id=reading.meter_id,
        source=reading.source, status=ACCEPTED,
        values=[pb.ZoneValue(zone=z, value=str(v)) for z, v in reading.values.items()],
        consumption=[pb.ZoneValue(zone=z, value=str(v)) for z, v in reading.consumption.items()],
    )
    msg.taken_at.FromDatetime(reading.taken_at)
    return msg
