"""АИИС КУЭ: the automatic metering feed (signed partner call) and staff's file import (docs/metering.md).
Shape only: readings decides who may send, what a value must be, which meter it names and what is stored
(services/readings/README.md)."""

from __future__ import annotations

from flask import Blueprint, request
from kabinet.readings.v1 import readings_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.openapi import operation
from gateway.partners import partner_required
from gateway.schema import NAME, SHORT, StrictSchema, body, dump, field, query, text
from gateway.security import login_required
from gateway.services import readings
from kit.errors import InvalidInput

bp = Blueprint("partners_metering", __name__, url_prefix="/partners/v1")
staff_bp = Blueprint("staff_metering", __name__, url_prefix="/staff/v1")

TIMEOUT = 120.0  # a batch of 10,000 values is stored in about a second; register values one transaction each
CAP = 10_000     # a size cap: readings' rule is 10,000 values per batch in all
KINDS = ["hourly", "register"]


class ValueIn(StrictSchema):
    at = text(SHORT, required=True, metadata={"description": "ISO 8601 with an offset: the hour's start "
                                                             "(hourly) or the register's moment"})
    kind = text(SHORT, required=True, metadata={"enum": KINDS})
    kwh = text(SHORT, metadata={"description": "hourly: kWh in the hour, up to 7 decimals (a string)"})
    zones = field(fields.Dict, keys=text(SHORT), values=text(SHORT), validate=validate.Length(max=5),
                  metadata={"description": "register: zone code → value with up to 3 decimals, e.g. "
                                           "{\"day\": \"12345.678\", \"night\": \"2345.600\"}"})


class MeterIn(StrictSchema):
    meter_number = text(NAME, required=True, metadata={"description": "as printed on the meter"})
    values = field(fields.List, cls_or_instance=fields.Nested(ValueIn), required=True,
                   validate=validate.Length(max=CAP))


class BatchIn(StrictSchema):
    supplier_id = text(SHORT, metadata={"description": "the supplier; may be left out by a partner scoped to one"})
    meters = field(fields.List, cls_or_instance=fields.Nested(MeterIn), required=True,
                   validate=validate.Length(max=CAP))


class ImportIn(StrictSchema):
    supplier_id = text(SHORT, required=True, metadata={"description": "the supplier whose meters the file names"})


class ProblemOut(Schema):
    index = fields.Integer(metadata={"description": "the value's position in the batch, from 0, counting the "
                                                    "meters' values in order"})
    meter_number = fields.String()
    code = fields.String()
    message = fields.String(metadata={"description": "Russian"})


class LineProblemOut(Schema):
    line = fields.Integer(attribute="index", metadata={"description": "the row's line in the file"})
    meter_number = fields.String()
    code = fields.String()
    message = fields.String()


class ReportOut(Schema):
    received = fields.Integer(metadata={"description": "values in the batch"})
    accepted = fields.Integer(metadata={"description": "stored now"})
    duplicates = fields.Integer(metadata={"description": "stored before, or twice in the batch: unchanged"})
    rejected = fields.Integer()
    problems = fields.List(fields.Nested(ProblemOut))


class ImportReportOut(ReportOut):
    problems = fields.List(fields.Nested(LineProblemOut))


RULES = ("Hourly values: kWh in the hour starting at `at` (a whole hour, over), up to 7 decimals; register values: "
         "the meter's zones with up to 3 decimals, a reading with source automatic (charged like any reading). "
         "Meters by the supplier and their number, only of accounts flagged АИИС КУЭ. Stored once per meter and "
         "moment: the same value again is a duplicate, another one a rejected item value_conflict. Item codes: "
         "meter_not_found, meter_ambiguous, not_automatic_metering, invalid_time, future_time, too_old, "
         "invalid_kind, invalid_value, invalid_reading, value_conflict, reading_not_latest, "
         "reading_below_previous. 422 batch_too_large (over 10,000 values), invalid_supplier.")


@bp.post("/metering/readings")
@operation("Пакет показаний АИИС КУЭ", tag="partners", body=BatchIn, response=ReportOut, auth=False,
           errors=(401, 403, 422),
           description="The АИИС КУЭ feed (docs/metering.md): up to 10,000 values per batch, grouped by meter. "
                       "The reply counts accepted, duplicates and rejected values and names each rejected one "
                       "(index, code, Russian message); the good ones are stored. " + RULES + " Signed with the "
                       "partner's key (docs/partners-api.md); a partner of kind metering (403 partner_only).")
@partner_required
def post_batch():
    data = body(BatchIn)
    reply = readings().call("IngestMetering", pb.IngestMeteringRequest(
        supplier_id=data.get("supplier_id", ""),
        meters=[pb.MeteringMeter(meter_number=m["meter_number"], values=[_value(v) for v in m["values"]])
                for m in data["meters"]]), timeout=TIMEOUT, idempotent=True)
    return dump(ReportOut, reply)


def _value(v: dict) -> pb.MeteringValue:
    return pb.MeteringValue(at=v["at"], kind=v["kind"], kwh=v.get("kwh", ""),
                            zones=[pb.ZoneValue(zone=z, value=x) for z, x in v.get("zones", {}).items()])


@staff_bp.post("/metering/imports")
@operation("Загрузить показания АИИС КУЭ (CSV)", tag="staff", response=ImportReportOut, files=("file",),
           errors=(403, 413, 422), params=({"name": "supplier_id", "in": "query", "required": True,
                                            "schema": {"type": "string"}},),
           description="The feed's values as a CSV file (multipart part `file`; docs/metering.md): columns "
                       "meter_number;at;kind;kwh;total;day;night;peak;semi_peak, one value per row. Each rejected "
                       "row is named by its line. " + RULES + " 422 registry_header: the file is refused whole. "
                       "Role admin; audited.")
@login_required
def import_file():
    data = query(ImportIn)
    return dump(ImportReportOut, readings().call("StaffImportMetering", pb.StaffImportMeteringRequest(
        supplier_id=data["supplier_id"], content=metering_file()), timeout=TIMEOUT, idempotent=True))


def metering_file() -> bytes:
    """The multipart part `file` and nothing else (the general body cap: 10,000 rows are well under 1 MB)."""
    upload = request.files.get("file")
    if upload is None or set(request.files) - {"file"} or request.form:
        raise InvalidInput("Приложите файл (часть file).", code="registry_empty")
    return upload.read()
