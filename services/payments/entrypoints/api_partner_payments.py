"""Partners' payments (check, pay, status, cancel), bank registries and the reconciliation report."""

from __future__ import annotations


class PartnerPaymentRpcs:
    """Mixed into PaymentsServicer (self.uow, self.accounts)."""
