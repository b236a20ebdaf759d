"""What readings publishes when staff reject a flagged reading."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb

from kit.events import Event
from services.readings.adapters.events import accepted_pb
from services.readings.domain.model import AccountFacts, Reading


def reading_rejected(reading: Reading, account: AccountFacts) -> Event:
    """readings.reading.rejected: the reading (as it was accepted: payments finds its preliminary charge and
    reverses it once) with staff's reason, and whom notify tells (who submitted it)."""
    return Event(type="readings.reading.rejected", aggregate_id=reading.account_id, payload=pb.ReadingRejected(
        reading=accepted_pb(reading, account), reason=reading.review_reason or "",
        customer_id=reading.submitted_by or "", rejected_by=reading.reviewed_by or ""))
