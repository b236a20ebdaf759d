"""Consumption series for charts and the Green Button style export."""

from __future__ import annotations


class ConsumptionRpcs:
    """Mixed into ReadingsServicer (self.uow, self.accounts, self.payments)."""
