"""readings.reading.rejected in payments: the rejected reading's preliminary charge is reversed."""

from __future__ import annotations

import datetime as dt

from kit.events import Event
from services.payments.service_layer.rejections import reverse_preliminary_charge


def on_reading_rejected(event: Event, uow) -> None:
    from services.payments.entrypoints.events import accepted_reading  # events.py subscribes this handler

    reverse_preliminary_charge(uow, accepted_reading(event.payload.reading), now=dt.datetime.now(dt.UTC))
