"""readings.interval.submitted: a legal entity's hourly profile arrived («В ожидании»), for the supplier's staff."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb

from kit.events import Event
from services.readings.domain.interval import Profile


def interval_submitted(profile: Profile) -> Event:
    return Event(type="readings.interval.submitted", aggregate_id=profile.account_id,
                 payload=pb.IntervalProfileSubmitted(
                     profile_id=profile.profile_id, account_id=profile.account_id, meter_id=profile.meter_id,
                     supplier_id=profile.supplier_id, period=f"{profile.period:%Y-%m}", mode=profile.mode,
                     total_kwh=str(profile.total), hours=profile.hours, ratio=str(profile.ratio),
                     submitted_by=profile.submitted_by))
