"""Card payments through the provider: create (cabinet, public), status, history, receipts, notifications."""

from __future__ import annotations


class CardPaymentRpcs:
    """Mixed into PaymentsServicer (self.uow, self.accounts, self.provider)."""
