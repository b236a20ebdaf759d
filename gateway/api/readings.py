"""Показания: submit, history and the calculator. Readings checks the values (zones of the meter, format,
dial, not below the previous one) and payments prices them; the gateway only passes them on."""

from __future__ import annotations

from flask import Blueprint, request
from kabinet.readings.v1 import readings_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.idempotency import idempotency_key
from gateway.openapi import operation
from gateway.schema import SHORT, StrictSchema, ZoneValues, body, capped, dump, field, path_id
from gateway.security import login_required
from gateway.services import readings
from gateway.shapes import ChargeLineOut, ReadingOut

bp = Blueprint("readings", __name__, url_prefix="/api/v1")


class SubmitReadingIn(StrictSchema):
    meter_id = field(fields.String, required=True, validate=capped(SHORT))
    values = field(fields.Dict, required=True, keys=fields.String(validate=capped(SHORT)),
                   values=fields.String(validate=capped(SHORT)),
                   validate=validate.Length(max=8, error="Слишком много зон."),
                   metadata={"description": "zone -> value, e.g. {\"day\": \"12345.678\", \"night\": \"5432.1\"}; "
                                            "the zones are the meter's zone_names; up to 3 decimals, a comma or "
                                            "a point"})


class ReadingListOut(Schema):
    readings = fields.List(fields.Nested(ReadingOut))


class ChargePreviewOut(Schema):
    """Калькулятор: what a reading would be charged; nothing is stored."""

    account_id = fields.String()
    meter_id = fields.String()
    values = ZoneValues(metadata={"description": "zone -> reading as it would be accepted, kWh with 3 decimals"})
    consumption = ZoneValues(metadata={"description": "zone -> kWh since the previous reading"})
    lines = fields.List(fields.Nested(ChargeLineOut), metadata={"description": "per zone; consumption is the "
                                                                               "billed kWh (metered × КТ)"})
    amount_kop = fields.Integer(metadata={"description": "the preliminary charge the reading would bring"})
    tariff_valid_from = fields.String(metadata={"description": "YYYY-MM-DD: the tariff in force that priced it"})


@bp.post("/accounts/<account_id>/readings")
@operation("Передать показания", tag="readings", body=SubmitReadingIn, response=ReadingOut, status=201,
           errors=(404, 409, 422),
           description="422 invalid_reading with a message per zone when a value does not fit the meter; "
                       "409 reading_below_previous, 409 automatic_metering (АИИС КУЭ).")
@login_required
def submit(account_id: str):
    data = body(SubmitReadingIn)
    key = idempotency_key()
    reply = readings().call("SubmitReading", pb.SubmitReadingRequest(
        account_id=path_id(account_id), meter_id=data["meter_id"], idempotency_key=key,
        values=[pb.ZoneValue(zone=z, value=v) for z, v in data["values"].items()],
    ), idempotent=bool(key))
    return dump(ReadingOut, reply), 201


@bp.post("/accounts/<account_id>/readings/preview")
@operation("Рассчитать начисление (калькулятор)", tag="readings", body=SubmitReadingIn, response=ChargePreviewOut,
           errors=(404, 409, 422),
           description="The same body as submitting a reading; nothing is stored. The same refusals as a "
                       "submission (422 invalid_reading, 409 reading_below_previous, 409 automatic_metering), "
                       "and 409 tariff_not_found when no tariff is in force.")
@login_required
def preview(account_id: str):
    data = body(SubmitReadingIn)
    reply = readings().call("PreviewCharge", pb.PreviewChargeRequest(
        account_id=path_id(account_id), meter_id=data["meter_id"],
        values=[pb.ZoneValue(zone=z, value=v) for z, v in data["values"].items()],
    ), idempotent=True)
    return dump(ChargePreviewOut, reply)


@bp.get("/accounts/<account_id>/readings")
@operation("История показаний", tag="readings", response=ReadingListOut, errors=(404,))
@login_required
def history(account_id: str):
    limit = request.args.get("limit", 20, type=int)
    reply = readings().call("ListReadings", pb.ListReadingsRequest(account_id=path_id(account_id), limit=limit),
                            idempotent=True)
    return dump(ReadingListOut, reply)
