"""What readings publishes: its facts as kabinet.readings.v1 protobuf events (for the outbox)."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb

from kit.events import Event
from services.readings.domain.model import STAFF, AccountFacts, Reading


def reading_accepted(reading: Reading, account: AccountFacts) -> Event:
    """readings.reading.accepted: the values, the consumption and what payments needs to charge it (and the
    period it counts for: the next one for a reading taken outside the window under "next_period")."""
    return Event(type="readings.reading.accepted", aggregate_id=reading.account_id,
                 payload=accepted_pb(reading, account))


def reading_corrected(reading: Reading, account: AccountFacts, old: Reading) -> Event:
    """readings.reading.corrected: the new reading (as accepted) and the one it superseded, whose preliminary
    charge payments replaces; notify tells the customer."""
    return Event(type="readings.reading.corrected", aggregate_id=reading.account_id, payload=pb.ReadingCorrected(
        reading=accepted_pb(reading, account), corrects=old.reading_id, reason=reading.reason or "",
        customer_id=(old.submitted_by or "") if old.source != STAFF else ""))


def accepted_pb(reading: Reading, account: AccountFacts) -> pb.ReadingAccepted:
    meter = account.meter(reading.meter_id)
    payload = pb.ReadingAccepted(
        reading_id=reading.reading_id, account_id=reading.account_id, meter_id=reading.meter_id,
        supplier_id=account.supplier_id, category=account.category, ratio=str(meter.ratio),
        submitted_by=reading.submitted_by or "",
        values=[pb.ZoneValue(zone=z, value=str(v)) for z, v in reading.values.items()],
        consumption=[pb.ZoneValue(zone=z, value=str(v)) for z, v in reading.consumption.items()],
        period=f"{reading.period:%Y-%m}" if reading.period else "", source=reading.source,
    )
    payload.taken_at.FromDatetime(reading.taken_at)
    return payload
