"""Staff review of flagged readings: the queue and the decision."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb

from kit.context import require_caller
from services.readings.service_layer import review


class ReviewRpcs:
    """Mixed into ReadingsServicer (self.uow)."""

    def StaffListFlaggedReadings(self, request, context):
        from services.readings.entrypoints.api import to_pb

        found, token = review.list_flagged(
            self.uow(), require_caller(), supplier_id=request.supplier_id, period=request.period,
            status=request.status, size=request.page_size, page_token=request.page_token)
        return pb.FlaggedReadingList(readings=[pb.FlaggedReading(
            reading=to_pb(r), submitted_by=r.submitted_by or "", reviewed_by=r.reviewed_by or "") for r in found],
            next_page_token=token)

    def StaffReviewReading(self, request, context):
        from services.readings.entrypoints.api import to_pb

        return to_pb(review.review_reading(self.uow(), require_caller(), reading_id=request.reading_id,
                                           decision=request.decision, reason=request.reason))
