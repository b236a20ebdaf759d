"""The payments service, as readings sees it: what a reading would be charged (the calculator), what each period
charged (the consumption series)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from kabinet.payments.v1 import payments_pb2, payments_pb2_grpc

from kit.grpc_client import ServiceClient
from services.readings.domain.model import ChargeLine, PreliminaryCharge


class PaymentsClient:
    def __init__(self, target: str) -> None:
        self.client = ServiceClient(target, payments_pb2_grpc.PaymentsStub)

    def preview_charge(self, *, supplier_id: str, category: str, ratio: Decimal,
                       consumption: Mapping[str, Decimal], as_of: dt.datetime) -> PreliminaryCharge:
        request = payments_pb2.PreviewChargeRequest(
            supplier_id=supplier_id, category=category, ratio=str(ratio),
            consumption=[payments_pb2.ZoneKwh(zone=z, kwh=str(v)) for z, v in consumption.items()])
        request.as_of.FromDatetime(as_of)
        reply = self.client.call("PreviewCharge", request, idempotent=True)
        return charge_from_pb(reply)

    def charged_by_period(self, account_id: str, *, since: dt.datetime) -> dict[dt.date, int]:
        """Charged per billing period from the month of `since` (positive = owed): payments' ListChargedByPeriod,
        with the caller's token (payments counts it as the invoice does)."""
        reply = self.client.call("ListChargedByPeriod", payments_pb2.ListChargedByPeriodRequest(
            account_id=account_id, since=since.strftime("%Y-%m")), idempotent=True)
        return {dt.date.fromisoformat(p.period + "-01"): p.charged_kop for p in reply.periods}


def charge_from_pb(reply: payments_pb2.ChargePreview) -> PreliminaryCharge:
    """kabinet.payments.v1.ChargePreview -> readings' view of it."""
    return PreliminaryCharge(
        lines=tuple(ChargeLine(zone=line.zone, billed_kwh=Decimal(line.consumption),
                               price_kop_per_kwh_x100=line.price_kop_per_kwh_x100, amount_kop=line.amount_kop)
                    for line in reply.lines),
        amount_kop=reply.amount_kop, tariff_valid_from=dt.date.fromisoformat(reply.tariff_valid_from))
