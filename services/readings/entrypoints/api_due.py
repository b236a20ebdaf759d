"""The due flag («Необходимо заявить показания»), readings for several accounts at once, readings without
signing in."""

from __future__ import annotations


class DueRpcs:
    """Mixed into ReadingsServicer (self.uow, self.accounts, self.payments)."""
