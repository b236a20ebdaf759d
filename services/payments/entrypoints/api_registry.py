"""gRPC methods of the payments API, staff: ImportRegistry (the registry's money files): protobuf in, use case, protobuf out.

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts)."""

from __future__ import annotations


class RegistryRpcs:
    pass
