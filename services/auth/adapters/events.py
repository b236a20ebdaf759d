"""Domain events -> the contract messages of auth.proto, in the kit's envelope for the outbox."""

from __future__ import annotations

import dataclasses

from kabinet.auth.v1 import auth_pb2

from kit.events import Event
from services.auth.domain.events import AuthEvent


def outbound(event: AuthEvent) -> Event:
    """A domain event and its proto message share name and fields (tests/unit/test_events.py checks)."""
    message = getattr(auth_pb2, type(event).__name__)
    return Event(type=event.subject, aggregate_id=event.user_id, payload=message(**dataclasses.asdict(event)))
