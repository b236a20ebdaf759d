"""gRPC methods of the payments API, customer: ListLedger (issue 9, the ledger and balance): protobuf in, use case, protobuf out.

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts)."""

from __future__ import annotations


class LedgerRpcs:
    pass
