"""The notify gRPC API, (dispatch): the outgoing queue's staff view, SMS status callbacks, the test-clock dispatch."""

from __future__ import annotations


class DeliveryRpcs:
    """Mixed into NotifyServicer (self.uow: the unit-of-work factory; self.config: NotifyConfig)."""
