"""Domain errors <-> gRPC status with machine-readable details (google.rpc.ErrorInfo, BadRequest)."""

from __future__ import annotations

import grpc
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from kit.errors import BY_STATUS, DomainError, Unavailable

DOMAIN = "kabinet"


def to_status(exc: DomainError) -> grpc.Status:
    info = error_details_pb2.ErrorInfo(reason=exc.code, domain=DOMAIN, metadata={"message": exc.message})
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        info.metadata["retry_after"] = str(retry_after)
    status = status_pb2.Status(code=getattr(code_pb2, exc.status), message=exc.message)
    status.details.add().Pack(info)
    if exc.fields:
        bad = error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=f, description=d) for f, d in exc.fields.items()
        ])
        status.details.add().Pack(bad)
    return rpc_status.to_status(status)


def from_rpc_error(err: grpc.RpcError) -> DomainError:
    """Rebuild the domain error a service raised; anything else becomes Unavailable or is re-raised."""
    status = rpc_status.from_call(err) if hasattr(err, "trailing_metadata") else None
    code_name = err.code().name if hasattr(err, "code") else "UNKNOWN"
    cls = BY_STATUS.get(code_name)
    if status is not None and cls is not None:
        message, code, fields, retry_after = None, None, {}, None
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                message, code = info.metadata.get("message"), info.reason
                retry_after = info.metadata.get("retry_after")
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                fields = {v.field: v.description for v in bad.field_violations}
        exc = cls(message, code=code, fields=fields)
        if retry_after is not None:
            exc.retry_after = int(retry_after)
        return exc
    if code_name in ("UNAVAILABLE", "DEADLINE_EXCEEDED", "CANCELLED"):
        return Unavailable(code="service_unavailable" if code_name == "UNAVAILABLE" else "service_timeout")
    raise err
