"""Interval (hourly) profiles of legal entities: template, upload, list, delete, staff review."""

from __future__ import annotations


class IntervalRpcs:
    """Mixed into ReadingsServicer (self.uow, self.accounts, self.payments)."""
