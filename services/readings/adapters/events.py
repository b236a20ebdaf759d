"""What readings publishes: its facts as kabinet.readings.v1 protobuf events (for the outbox)."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb

from kit.events import Event
from services.readings.domain.model import AccountFacts, Reading


def reading_accepted(reading: Reading, account: AccountFacts) -> Event:
    """readings.reading.accepted: the values, the consumption and what payments needs to charge it."""
    meter = account.meter(reading.meter_id)
    payload = pb.ReadingAccepted(
        reading_id=reading.reading_id, account_id=reading.account_id, meter_id=reading.meter_id,
        supplier_id=account.supplier_id, category=account.category, ratio=str(meter.ratio),
        submitted_by=reading.submitted_by or "",
        values=[pb.ZoneValue(zone=z, value=str(v)) for z, v in reading.values.items()],
        consumption=[pb.ZoneValue(zone=z, value=str(v)) for z, v in reading.consumption.items()],
    )
    payload.taken_at.FromDatetime(reading.taken_at)
    return Event(type="readings.reading.accepted", aggregate_id=reading.account_id, payload=payload)
