"""Saved cards and autopay settings."""

from __future__ import annotations


class AutopayRpcs:
    """Mixed into PaymentsServicer (self.uow, self.accounts, self.provider)."""
