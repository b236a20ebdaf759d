"""The notify gRPC API, (care): news, outage notices, feedback."""

from __future__ import annotations


class CareRpcs:
    """Mixed into NotifyServicer (self.uow: the unit-of-work factory; self.config: NotifyConfig)."""
