"""A registry import's report as protobuf (kabinet.registry.v1.FileReport): every service answers an import
with the same shape. Kept apart from kit/registry.py, which domain code imports and which stays plain Python."""

from __future__ import annotations

from kabinet.registry.v1 import registry_pb2

from kit.registry import FileReport


def report_pb(report: FileReport) -> registry_pb2.FileReport:
    return registry_pb2.FileReport(
        kind=report.kind, rows=report.rows, inserted=report.inserted, updated=report.updated,
        unchanged=report.unchanged, closed=report.closed,
        rejected=[registry_pb2.RejectedRow(line=r.line, reason=r.reason) for r in report.rejected])
