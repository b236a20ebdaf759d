"""Потребление: ряды для графиков и выгрузка (Green Button) — readings decides and builds the files."""

from __future__ import annotations

from flask import Blueprint
from kabinet.readings.v1 import readings_pb2 as pb
from marshmallow import Schema, fields

from gateway.openapi import operation, query_params
from gateway.schema import SHORT, StrictSchema, Timestamp, attachment, dump, path_id, query, text
from gateway.security import login_required
from gateway.services import readings

bp = Blueprint("consumption", __name__, url_prefix="/api/v1")

CSV = "text/csv"
ATOM = "application/atom+xml"


class ConsumptionIn(StrictSchema):
    granularity = text(SHORT, metadata={"description": "month (default), day (≤ 12 months), hour (≤ 1 month); "
                                                       "day and hour need hourly values (АИИС КУЭ, accepted "
                                                       "interval profiles), else 422 granularity_unavailable"})
    from_ = text(SHORT, data_key="from", metadata={"description": "YYYY-MM, default 11 months before `to`"})
    to = text(SHORT, metadata={"description": "YYYY-MM, default the current month"})
    meter_id = text(SHORT, metadata={"description": "one meter of the account; all by default"})


class ConsumptionZoneOut(Schema):
    zone = fields.String(metadata={"description": "a ZONE code: total, day, night, peak, semi_peak"})
    kwh = fields.String(metadata={"description": "metered kWh, 3 places"})


class ConsumptionPointOut(Schema):
    period = fields.String(metadata={"description": "YYYY-MM; by day YYYY-MM-DD; by hour YYYY-MM-DDTHH:00 (local)"})
    start = Timestamp(metadata={"description": "the period's first local moment"})
    duration_seconds = fields.Integer()
    zones = fields.List(fields.Nested(ConsumptionZoneOut), metadata={"description": "empty: no reading taken"})
    total_kwh = fields.String()
    charged_kop = fields.Integer(metadata={"description": "charges and adjustments of the period (+ owed)"})


class ConsumptionOut(Schema):
    account_id = fields.String()
    meter_id = fields.String(metadata={"description": "\"\" = every meter"})
    granularity = fields.String()
    from_ = fields.String(attribute="from_period", data_key="from")
    to = fields.String(attribute="to_period")
    timezone = fields.String(metadata={"description": "IANA zone of the supplier's calendar"})
    points = fields.List(fields.Nested(ConsumptionPointOut), metadata={"description": "oldest first"})
    charges_available = fields.Boolean(metadata={"description": "false: charges could not be fetched (0)"})


PARAMS = query_params("granularity", "from", "to", "meter_id")
EXPORT = ("Same parameters and rules as the JSON series. Errors as there: 404 account_not_found, 422 "
          "invalid_input, granularity_unavailable, meter_not_on_account.")


def _request(account_id: str) -> pb.GetConsumptionRequest:
    data = query(ConsumptionIn)
    return pb.GetConsumptionRequest(
        account_id=path_id(account_id), granularity=data.get("granularity", ""), from_period=data.get("from_", ""),
        to_period=data.get("to", ""), meter_id=data.get("meter_id", ""))


@bp.get("/accounts/<account_id>/consumption")
@operation("Потребление по месяцам и зонам с начислениями (для графиков)", tag="readings",
           response=ConsumptionOut, errors=(404, 422), params=PARAMS,
           description="Every month of from..to (at most 36): the consumption of the accepted and billed "
                       "readings taken in it (the supplier's calendar) per zone, and what was charged in it.")
@login_required
def consumption(account_id: str):
    return dump(ConsumptionOut, readings().call("GetConsumption", _request(account_id), idempotent=True))


@bp.get("/accounts/<account_id>/consumption.csv")
@operation("Потребление в CSV (Excel)", tag="readings", errors=(404, 422), params=PARAMS, produces=CSV,
           description="UTF-8 with BOM, \";\", columns период; зона; кВт·ч; начислено ₽. " + EXPORT)
@login_required
def consumption_csv(account_id: str):
    return _export(account_id, "csv", CSV)


@bp.get("/accounts/<account_id>/consumption.xml")
@operation("Потребление в формате Green Button (ESPI)", tag="readings", errors=(404, 422), params=PARAMS,
           produces=ATOM, description="An Atom feed (namespace http://naesb.org/espi): UsagePoint, and per zone "
                                      "MeterReading, ReadingType (Wh) and IntervalBlock with one IntervalReading "
                                      "per month. " + EXPORT)
@login_required
def consumption_xml(account_id: str):
    return _export(account_id, "xml", ATOM)


def _export(account_id: str, file_format: str, mimetype: str):
    reply = readings().call("ExportConsumption", pb.ExportConsumptionRequest(
        series=_request(account_id), format=file_format), idempotent=True)
    return attachment(reply, mimetype, f"potreblenie.{file_format}")
