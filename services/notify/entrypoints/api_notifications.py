"""The notify gRPC API, (notifications): inbox read/unread and pages, preferences, one-click unsubscribe."""

from __future__ import annotations


class NotificationRpcs:
    """Mixed into NotifyServicer (self.uow: the unit-of-work factory; self.config: NotifyConfig)."""
