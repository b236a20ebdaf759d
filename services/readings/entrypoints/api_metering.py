"""The АИИС КУЭ feed and its staff file import: protobuf in, use case, protobuf out."""

from __future__ import annotations


class MeteringRpcs:
    """Mixed into ReadingsServicer (self.uow, self.accounts, self.payments)."""
