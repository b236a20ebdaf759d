"""Показания: submit and history. Readings checks the values (zones of the meter, format, dial,
not below the previous one); the gateway only passes them on."""

from __future__ import annotations

from flask import Blueprint, request
from kabinet.readings.v1 import readings_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.idempotency import idempotency_key
from gateway.openapi import operation
from gateway.schema import SHORT, StrictSchema, body, capped, dump, field, path_id
from gateway.security import login_required
from gateway.services import readings
from gateway.shapes import ReadingOut

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


@bp.get("/accounts/<account_id>/readings")
@operation("История показаний", tag="readings", response=ReadingListOut, errors=(404,))
@login_required
def history(account_id: str):
    limit = request.args.get("limit", 20, type=int)
    reply = readings().call("ListReadings", pb.ListReadingsRequest(account_id=path_id(account_id), limit=limit),
                            idempotent=True)
    return dump(ReadingListOut, reply)
