"""The readings gRPC API: protobuf in, use case, protobuf out."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb
from kabinet.readings.v1 import readings_pb2_grpc as pb_grpc

from kit.context import require_caller
from kit.registry_pb import report_pb
from services.readings.domain.model import ChargePreview, Reading
from services.readings.entrypoints.api_consumption import ConsumptionRpcs
from services.readings.entrypoints.api_due import DueRpcs
from services.readings.entrypoints.api_interval import IntervalRpcs
from services.readings.entrypoints.api_last_readings import LastReadingRpcs
from services.readings.entrypoints.api_metering import MeteringRpcs
from services.readings.entrypoints.api_review import ReviewRpcs
from services.readings.entrypoints.api_sms import SmsRpcs
from services.readings.service_layer import calculator, registry, submission, views
from services.readings.service_layer.accounts import AccountsPort
from services.readings.service_layer.calculator import PaymentsPort


class ReadingsServicer(DueRpcs, ConsumptionRpcs, SmsRpcs, MeteringRpcs, IntervalRpcs, LastReadingRpcs,
                       ReviewRpcs, pb_grpc.ReadingsServicer):
    def __init__(self, uow_factory, accounts: AccountsPort, payments: PaymentsPort) -> None:
        self.uow = uow_factory
        self.accounts = accounts
        self.payments = payments

    def SubmitReading(self, request, context):
        user = require_caller()
        reading = submission.submit_reading(
            self.uow(), self.accounts, user_id=user.user_id, account_id=request.account_id,
            meter_id=request.meter_id, values={v.zone: v.value for v in request.values},
            idempotency_key=request.idempotency_key or None, confirm=request.confirm)
        return to_pb(reading)

    def ListReadings(self, request, context):
        user = require_caller()
        readings, token = views.list_readings(
            self.uow(), self.accounts, user_id=user.user_id, account_id=request.account_id,
            limit=views.page_size(request.page_size or request.limit), meter_id=request.meter_id,
            period=request.period, page_token=request.page_token)
        return pb.ListReadingsReply(readings=[to_pb(r) for r in readings], next_page_token=token)

    def CorrectReading(self, request, context):
        user = require_caller()
        reading = submission.correct_reading(
            self.uow(), self.accounts, user_id=user.user_id, account_id=request.account_id,
            reading_id=request.reading_id, values={v.zone: v.value for v in request.values},
            confirm=request.confirm, idempotency_key=request.idempotency_key or None)
        return to_pb(reading)

    def PreviewCharge(self, request, context):
        user = require_caller()
        preview = calculator.preview_charge(
            self.uow(), self.accounts, self.payments, user_id=user.user_id, account_id=request.account_id,
            meter_id=request.meter_id, values={v.zone: v.value for v in request.values})
        return preview_to_pb(preview)


    # ---- staff ----

    def StaffImportReadings(self, request, context):
        report = registry.import_readings(self.uow(), require_caller(), self.accounts.resolve_meters,
                                          request.readings)
        return pb.StaffImportReadingsReply(file=report_pb(report))

    def StaffCorrectReading(self, request, context):
        reading = submission.staff_correct_reading(
            self.uow(), self.accounts, require_caller(), reading_id=request.reading_id,
            values={v.zone: v.value for v in request.values}, reason=request.reason,
            idempotency_key=request.idempotency_key or None)
        return to_pb(reading)


def to_pb(reading: Reading) -> pb.Reading:
    msg = pb.Reading(
        reading_id=reading.reading_id, account_id=reading.account_id, meter_id=reading.meter_id,
        source=reading.source, status=reading.status, values=zone_values(reading.values),
        consumption=zone_values(reading.consumption), period=f"{reading.period:%Y-%m}" if reading.period else "",
        flagged=reading.flag_reason is not None, flag_reason=reading.flag_reason or "",
        corrects=reading.corrects or "", reason=reading.reason or "",
        review=reading.review or "", review_reason=reading.review_reason or "",
    )
    msg.taken_at.FromDatetime(reading.taken_at)
    if reading.reviewed_at:
        msg.reviewed_at.FromDatetime(reading.reviewed_at)
    return msg


def zone_values(by_zone) -> list[pb.ZoneValue]:
    return [pb.ZoneValue(zone=z, value=str(v)) for z, v in by_zone.items()]


def preview_to_pb(preview: ChargePreview) -> pb.ChargePreview:
    reading, charge = preview.reading, preview.charge
    return pb.ChargePreview(
        account_id=reading.account_id, meter_id=reading.meter_id, values=zone_values(reading.values),
        consumption=zone_values(reading.consumption),
        lines=preview_lines(charge), amount_kop=charge.amount_kop,
        tariff_valid_from=charge.tariff_valid_from.isoformat(),
        period=f"{reading.period:%Y-%m}" if reading.period else "", doubt=preview.doubt or "")


def preview_lines(charge) -> list[pb.ChargeLine]:
    """The lines of a preliminary charge (the calculator's and a public reading's)."""
    return [pb.ChargeLine(zone=line.zone, consumption=str(line.billed_kwh),
                          price_kop_per_kwh_x100=line.price_kop_per_kwh_x100, amount_kop=line.amount_kop)
            for line in charge.lines]
