"""gRPC method of the readings API for the dashboard: ListLastReadings (the newest reading of several of the
caller's accounts in one call): protobuf in, use case, protobuf out.

A mixin of entrypoints/api.py:ReadingsServicer (self.uow, self.accounts)."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb

from kit.context import require_caller
from services.readings.service_layer import last_readings


class LastReadingRpcs:
    def ListLastReadings(self, request, context):
        from services.readings.entrypoints.api import to_pb  # the servicer's module imports this one

        found = last_readings.last_readings(self.uow(), self.accounts, user_id=require_caller().user_id,
                                            account_ids=list(request.account_ids))
        return pb.ListLastReadingsReply(accounts=[
            pb.LastReading(account_id=account_id, reading=to_pb(reading) if reading else None)
            for account_id, reading in found])
