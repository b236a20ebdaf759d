"""Consumption series for charts and the Green Button style export."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb

from kit.context import require_caller
from services.readings.adapters.espi import csv_bytes, feed_bytes
from services.readings.domain.consumption import Series
from services.readings.service_layer import consumption

RENDER = {
    "csv": (csv_bytes, "text/csv; charset=utf-8", "csv"),
    "xml": (feed_bytes, "application/atom+xml", "xml"),
}


class ConsumptionRpcs:
    """Mixed into ReadingsServicer (self.uow, self.accounts, self.payments)."""

    def GetConsumption(self, request, context):
        user = require_caller()
        return series_to_pb(consumption.series(self.uow(), self.accounts, self.payments, user_id=user.user_id,
                                               **_query(request)))

    def ExportConsumption(self, request, context):
        user = require_caller()
        file = consumption.export(self.uow(), self.accounts, self.payments, RENDER, user_id=user.user_id,
                                  file_format=request.format, **_query(request.series))
        return pb.ConsumptionFile(filename=file.filename, content_type=file.content_type, content=file.content)


def _query(request: pb.GetConsumptionRequest) -> dict:
    return dict(account_id=request.account_id, granularity=request.granularity, from_period=request.from_period,
                to_period=request.to_period, meter_id=request.meter_id)


def series_to_pb(series: Series) -> pb.ConsumptionSeries:
    reply = pb.ConsumptionSeries(
        account_id=series.account_id, meter_id=series.meter_id, granularity=series.granularity,
        from_period=f"{series.first:%Y-%m}", to_period=f"{series.last:%Y-%m}", timezone=series.timezone,
        charges_available=series.charges_available)
    for point in series.points:
        item = reply.points.add(period=point.label or f"{point.period:%Y-%m}", duration_seconds=point.duration_seconds,
                                total_kwh=str(point.total_kwh), charged_kop=point.charged_kop,
                                zones=[pb.ConsumptionZone(zone=z, kwh=str(kwh)) for z, kwh in point.zones])
        item.start.FromDatetime(point.start)
    return reply
