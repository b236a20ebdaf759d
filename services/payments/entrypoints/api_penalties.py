"""gRPC methods of the payments API, staff: key rates, moratoria, StaffAccruePenalties: protobuf in, use case, protobuf out.

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts)."""

from __future__ import annotations


class PenaltyRpcs:
    pass
