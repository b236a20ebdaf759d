"""SMS readings (SubmitSmsReading): protobuf in, use case, protobuf out."""

from __future__ import annotations


class SmsRpcs:
    """Mixed into ReadingsServicer (self.uow, self.accounts, self.payments)."""
