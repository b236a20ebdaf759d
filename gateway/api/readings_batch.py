"""Показания без входа в кабинет и сразу по нескольким счетам; «Необходимо заявить показания» of an account; staff's
run of the due reminders. Shape only: readings decides every rule."""

from __future__ import annotations

from flask import Blueprint
from kabinet.readings.v1 import readings_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.captcha import captchas
from gateway.idempotency import idempotency_key
from gateway.openapi import operation
from gateway.schema import RU, SHORT, StrictSchema, ZoneValues, body, capped, dump, field, path_id, text
from gateway.security import login_required
from gateway.services import readings
from gateway.shapes import ChargeLineOut, ReadingOut
from gateway.throttle import client_ip, throttle
from kit.errors import NotFound

bp = Blueprint("readings_batch", __name__, url_prefix="/api/v1")
staff_bp = Blueprint("staff_readings_due", __name__, url_prefix="/staff/v1")

BATCH_TIMEOUT = 30.0  # up to 20 submissions, one after another

VALUES = dict(keys=fields.String(validate=capped(SHORT)), values=fields.String(validate=capped(SHORT)),
              validate=validate.Length(max=8, error="Слишком много зон."),
              metadata={"description": "zone -> value, e.g. {\"day\": \"12345.678\", \"night\": \"5432.1\"}"})


def _values(values: dict) -> list[pb.ZoneValue]:
    return [pb.ZoneValue(zone=z, value=v) for z, v in values.items()]


# --- the due flag ---------------------------------------------------------------------------------

class ReadingsDueOut(Schema):
    account_id = fields.String()
    readings_due = fields.Boolean(attribute="due", metadata={"description": "«Необходимо заявить показания»: the "
                                                                           "window is open and nothing counts for "
                                                                           "the period yet (never for АИИС КУЭ)"})
    period = fields.String(metadata={"description": "YYYY-MM: the period whose window is open now or comes next"})
    window_from = fields.String(metadata={"description": "YYYY-MM-DD, the supplier's local date"})
    window_to = fields.String(metadata={"description": "YYYY-MM-DD, the last day included"})
    window_open = fields.Boolean()
    submitted = fields.Boolean(metadata={"description": "a reading counts for the period"})
    automatic_metering = fields.Boolean(metadata={"description": "АИИС КУЭ: readings come by themselves"})


@bp.get("/accounts/<account_id>/readings/due")
@operation("Нужно ли передать показания", tag="readings", response=ReadingsDueOut, errors=(404,),
           description="The due flag of the account page («Необходимо заявить показания»), with the window's dates "
                       "in the supplier's time zone. 404 for an account that is not in my cabinet.")
@login_required
def readings_due(account_id: str):
    reply = readings().call("GetReadingsDue", pb.GetReadingsDueRequest(account_ids=[path_id(account_id)]),
                            idempotent=True)
    if not reply.accounts:
        raise NotFound("Лицевой счёт не найден.", code="account_not_found")
    return dump(ReadingsDueOut, reply.accounts[0])


# --- several accounts at once ---------------------------------------------------------------------

class ReadingItemIn(StrictSchema):
    account_id = text(SHORT, required=True)
    meter_id = text(SHORT, required=True)
    values = field(fields.Dict, required=True, **VALUES)
    confirm = field(fields.Boolean, load_default=False,
                    metadata={"description": "confirm a reading readings found implausible (confirmation_required)"})


class ReadingsBatchIn(StrictSchema):
    items = fields.List(fields.Nested(ReadingItemIn), required=True, error_messages=RU,
                        validate=validate.Length(min=1, max=20, error="От 1 до 20 показаний."))


class FieldProblemOut(Schema):
    field = fields.String()
    message = fields.String()


class ItemProblemOut(Schema):
    code = fields.String(metadata={"description": "as the single submission's problem: invalid_reading, "
                                                  "reading_below_previous, outside_window, confirmation_required, "
                                                  "account_not_found, …"})
    message = fields.String()
    fields_ = fields.Dict(data_key="fields", attribute="fields", keys=fields.String(), values=fields.String(),
                          metadata={"description": "field -> message, as in a problem+json"})


class ItemResultOut(Schema):
    index = fields.Integer(metadata={"description": "the item's place in the request, from 0"})
    accepted = fields.Boolean()
    reading = fields.Nested(ReadingOut, allow_none=True)
    problem = fields.Nested(ItemProblemOut, allow_none=True)


class ReadingsBatchOut(Schema):
    results = fields.List(fields.Nested(ItemResultOut))


def _item_result(result: pb.ItemResult) -> dict:
    accepted = result.WhichOneof("outcome") == "reading"
    problem = None if accepted else {"code": result.problem.code, "message": result.problem.message,
                                     "fields": {f.field: f.message for f in result.problem.fields}}
    return {"index": result.index, "accepted": accepted, "reading": result.reading if accepted else None,
            "problem": problem}


@bp.post("/readings")
@operation("Передать показания по нескольким счетам", tag="readings", body=ReadingsBatchIn,
           response=ReadingsBatchOut, errors=(422,),
           description="Readings of several of my accounts and meters in one request («в одном окне»). Each item "
                       "is submitted as POST /accounts/{id}/readings would be, with its own result: accepted with "
                       "the reading, or the problem (code, message, fields) — one bad item does not stop the "
                       "others. With an Idempotency-Key a retry gets the first results. 1–20 items.")
@login_required
def submit_batch():
    data = body(ReadingsBatchIn)
    key = idempotency_key()
    reply = readings().call("SubmitReadings", pb.SubmitReadingsRequest(idempotency_key=key, items=[
        pb.ReadingItem(account_id=i["account_id"], meter_id=i["meter_id"], values=_values(i["values"]),
                       confirm=i["confirm"]) for i in data["items"]]), timeout=BATCH_TIMEOUT, idempotent=bool(key))
    return dump(ReadingsBatchOut, {"results": [_item_result(r) for r in reply.results]})


# --- without signing in ---------------------------------------------------------------------------

class PublicReadingIn(StrictSchema):
    account_number = text(SHORT, required=True, metadata={"description": "номер лицевого счёта"})
    supplier_id = text(SHORT, metadata={"description": "the supplier, when the number alone is ambiguous"})
    meter_number = text(SHORT, required=True, metadata={"description": "заводской номер счётчика: printed on the "
                                                                       "meter and on the invoice"})
    values = field(fields.Dict, required=True, **VALUES)
    confirm = field(fields.Boolean, load_default=False)
    captcha_id = text(SHORT)
    captcha_answer = text(SHORT)


class PublicReadingOut(Schema):
    values = ZoneValues(attribute="reading.values", metadata={"description": "zone -> reading as accepted"})
    consumption = ZoneValues(attribute="reading.consumption", metadata={"description": "zone -> kWh since the "
                                                                                        "previous reading"})
    status = fields.String(attribute="reading.status")
    source = fields.String(attribute="reading.source", metadata={"description": "\"public\""})
    period = fields.String(metadata={"description": "YYYY-MM: the period the reading counts for"})
    charge_available = fields.Boolean(metadata={"description": "false when the charge could not be priced now"})
    lines = fields.List(fields.Nested(ChargeLineOut))
    amount_kop = fields.Integer(metadata={"description": "the preliminary charge"})


@bp.post("/public/readings")
@operation("Передать показания без входа", tag="readings", auth=False, body=PublicReadingIn,
           response=PublicReadingOut, status=201, errors=(404, 409, 422, 429),
           description="The account by number (and supplier), proved by the number of its meter (printed on the "
                       "meter and on the invoice). An unknown account and a wrong meter number get the same 404 "
                       "public_reading_not_found. Needs a captcha (GET /api/v1/captcha); rate limited per "
                       "address. Shows what was accepted and the preliminary charge, nothing about the holder.")
def submit_public():
    data = body(PublicReadingIn)
    throttle().hit("public_readings_ip", client_ip())
    captchas().verify(data.get("captcha_id"), data.get("captcha_answer"))
    reply = readings().call("SubmitPublicReading", pb.SubmitPublicReadingRequest(
        account_number=data["account_number"], supplier_id=data.get("supplier_id", ""),
        meter_number=data["meter_number"], values=_values(data["values"]), confirm=data["confirm"],
        idempotency_key=idempotency_key()))
    return dump(PublicReadingOut, reply), 201


# --- staff: the due reminders ---------------------------------------------------------------------

class DueRunIn(StrictSchema):
    as_of = text(SHORT, metadata={"description": "RFC 3339 moment: the test clock, honoured in dev and test only"})


class DueRunOut(Schema):
    as_of = fields.String(metadata={"description": "the moment the run planned for"})
    opened = fields.Integer(metadata={"description": "«приём показаний открыт» reminders planned"})
    closing = fields.Integer(metadata={"description": "«приём показаний скоро закончится» reminders planned"})


@staff_bp.post("/readings/due/run")
@operation("Запланировать напоминания о показаниях", tag="staff", body=DueRunIn, response=DueRunOut,
           errors=(403, 422),
           description="Plans the readings.due reminders whose day has come (the worker does it every 10 minutes "
                       "in production): once per account, period and kind. Role admin; audited.")
@login_required
def run_due():
    data = body(DueRunIn, optional=True)
    return dump(DueRunOut, readings().call("StaffRunReadingsDue", pb.StaffRunReadingsDueRequest(
        as_of=data.get("as_of", "")), timeout=BATCH_TIMEOUT))
