"""gRPC methods of the payments API, staff: the billing run (StaffStartBillingRun, StaffGetBillingRun, StaffListBillingRuns): protobuf in, use case, protobuf out.

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts)."""

from __future__ import annotations


class BillingRpcs:
    pass
