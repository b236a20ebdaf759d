"""gRPC methods of the payments API, staff: ImportRegistry (the registry's money files): protobuf in, use case, protobuf out.

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts)."""

from __future__ import annotations

from kabinet.payments.v1 import payments_pb2 as pb

from kit.context import require_caller
from kit.registry_pb import report_pb
from services.payments.service_layer import registry


class RegistryRpcs:
    def ImportRegistry(self, request, context):
        files = {kind: getattr(request, kind) if request.HasField(kind) else None
                 for kind in ("balances", "payments", "tariffs", "contract_documents")}
        reports = registry.import_registry(self.uow(), require_caller(), self.accounts.resolve, **files)
        return pb.ImportRegistryReply(files=[report_pb(r) for r in reports])

