"""The АИИС КУЭ feed and its staff file import: protobuf in, use case, protobuf out."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb

from kit.context import require_caller
from services.readings.domain.metering import Item, Report
from services.readings.service_layer import metering


class MeteringRpcs:
    """Mixed into ReadingsServicer (self.uow, self.accounts, self.payments)."""

    def IngestMetering(self, request, context):
        report = metering.ingest(self.uow, self.accounts, require_caller(), supplier_id=request.supplier_id,
                                 items=items_from_pb(request.meters))
        return report_pb(report)

    def StaffImportMetering(self, request, context):
        report = metering.import_file(self.uow, self.accounts, require_caller(), supplier_id=request.supplier_id,
                                      content=request.content)
        return report_pb(report)


def items_from_pb(meters) -> list[Item]:
    """The batch's values in order, each with its position (from 0)."""
    items: list[Item] = []
    for meter in meters:
        for v in meter.values:
            items.append(Item(index=len(items), meter_number=meter.meter_number, at=v.at, kind=v.kind, kwh=v.kwh,
                              zones={z.zone: z.value for z in v.zones}))
    return items


def report_pb(report: Report) -> pb.MeteringReport:
    return pb.MeteringReport(
        received=report.received, accepted=report.accepted, duplicates=report.duplicates, rejected=report.rejected,
        problems=[pb.MeteringProblem(index=p.index, code=p.code, message=p.message, meter_number=p.meter_number)
                  for p in report.problems])
