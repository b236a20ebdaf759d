"""Показания: submit, correct, history and the calculator; staff corrections. Readings checks the values (zones
of the meter, format, dial, not below the previous one), the window and plausibility, and payments prices them;
the gateway only passes them on."""

from __future__ import annotations

from flask import Blueprint
from kabinet.readings.v1 import readings_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.idempotency import idempotency_key
from gateway.openapi import operation, query_params
from gateway.schema import (
    SHORT,
    OrNone,
    StrictSchema,
    ZoneValues,
    body,
    capped,
    dump,
    field,
    path_id,
    query,
    text,
)
from gateway.security import login_required
from gateway.services import readings
from gateway.shapes import ChargeLineOut, ReadingOut

bp = Blueprint("readings", __name__, url_prefix="/api/v1")
staff_bp = Blueprint("staff_readings", __name__, url_prefix="/staff/v1")

VALUES = dict(keys=fields.String(validate=capped(SHORT)), values=fields.String(validate=capped(SHORT)),
              validate=validate.Length(max=8, error="Слишком много зон."),
              metadata={"description": "zone -> value, e.g. {\"day\": \"12345.678\", \"night\": \"5432.1\"}; "
                                       "the zones are the meter's zone_names; up to 3 decimals, a comma or a point"})
CONFIRM = dict(metadata={"description": "true: the customer confirms a reading the plausibility check questioned "
                                        "(422 confirmation_required); it is stored flagged for staff"})


class SubmitReadingIn(StrictSchema):
    meter_id = field(fields.String, required=True, validate=capped(SHORT))
    values = field(fields.Dict, required=True, keys=fields.String(validate=capped(SHORT)),
                   values=fields.String(validate=capped(SHORT)),
                   validate=validate.Length(max=8, error="Слишком много зон."),
                   metadata={"description": "zone -> value, e.g. {\"day\": \"12345.678\", \"night\": \"5432.1\"}; "
                                            "the zones are the meter's zone_names; up to 3 decimals, a comma or "
                                            "a point"})


class SubmitReadingConfirmIn(SubmitReadingIn):
    confirm = field(fields.Boolean, **CONFIRM)


class CorrectReadingIn(StrictSchema):
    values = field(fields.Dict, required=True, **VALUES)
    confirm = field(fields.Boolean, **CONFIRM)


class StaffCorrectReadingIn(StrictSchema):
    values = field(fields.Dict, required=True, **VALUES)
    reason = field(fields.String, required=True, validate=capped(500),
                   metadata={"description": "why staff corrected it (audited, shown in the history)"})


class ReadingListIn(StrictSchema):
    meter_id = text(SHORT, metadata={"description": "only this meter's readings"})
    period = text(SHORT, metadata={"description": "YYYY-MM: only readings counted for this period"})
    page_size = field(fields.Integer, validate=validate.Range(min=1, max=1000, error="Допустимо от 1 до 1000."),
                      metadata={"description": "1–200 (more is 200), default 20"})
    limit = field(fields.Integer, validate=validate.Range(min=1, max=1000, error="Допустимо от 1 до 1000."),
                  metadata={"description": "the former name of page_size"})
    page_token = text(SHORT, metadata={"description": "next_page_token of the previous page"})


class ReadingListOut(Schema):
    readings = fields.List(fields.Nested(ReadingOut))
    next_page_token = fields.String(metadata={"description": "\"\" on the last page"})


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
    period = fields.String(metadata={"description": "YYYY-MM: the period a submission would count for (the next "
                                                    "one outside the window under the supplier's next_period policy)"})
    doubt = OrNone(allow_none=True, metadata={"description": "null, or why the plausibility check doubts the reading (Russian): "
                                            "submitting it would be answered 422 confirmation_required and, "
                                            "confirmed, stored flagged for staff; the preview is not refused"})


@bp.post("/accounts/<account_id>/readings")
@operation("Передать показания", tag="readings", body=SubmitReadingConfirmIn, response=ReadingOut, status=201,
           errors=(404, 409, 422),
           description="422 invalid_reading with a message per zone when a value does not fit the meter; "
                       "422 confirmation_required when the consumption is far above the meter's usual (send again "
                       "with confirm: true; the reading is then flagged for staff); 409 outside_window (the message "
                       "says the window and the next opening), 409 reading_below_previous, 409 automatic_metering "
                       "(АИИС КУЭ). Outside the window under the supplier's next_period policy the reading is "
                       "accepted with the next period.")
@login_required
def submit(account_id: str):
    data = body(SubmitReadingConfirmIn)
    key = idempotency_key()
    reply = readings().call("SubmitReading", pb.SubmitReadingRequest(
        account_id=path_id(account_id), meter_id=data["meter_id"], idempotency_key=key,
        values=[pb.ZoneValue(zone=z, value=v) for z, v in data["values"].items()], confirm=data.get("confirm", False),
    ), idempotent=bool(key))
    return dump(ReadingOut, reply), 201


@bp.post("/accounts/<account_id>/readings/<reading_id>/correction")
@operation("Исправить показания", tag="readings", body=CorrectReadingIn, response=ReadingOut, status=201,
           errors=(404, 409, 422),
           description="Replaces the meter's last reading while its period is not billed («ошибочные показания»): "
                       "the old one becomes superseded, the new one (corrects = the old id) accepted; the "
                       "preliminary charge is replaced. 409 reading_billed (the message says what to do instead), "
                       "reading_superseded, not_latest_reading, reading_not_correctable; the values are checked "
                       "as a submission's (422 invalid_reading, confirmation_required).")
@login_required
def correct(account_id: str, reading_id: str):
    data = body(CorrectReadingIn)
    key = idempotency_key()
    reply = readings().call("CorrectReading", pb.CorrectReadingRequest(
        account_id=path_id(account_id), reading_id=path_id(reading_id), idempotency_key=key,
        values=[pb.ZoneValue(zone=z, value=v) for z, v in data["values"].items()], confirm=data.get("confirm", False),
    ))
    return dump(ReadingOut, reply), 201


@bp.post("/accounts/<account_id>/readings/preview")
@operation("Рассчитать начисление (калькулятор)", tag="readings", body=SubmitReadingIn, response=ChargePreviewOut,
           errors=(404, 409, 422),
           description="The same body as submitting a reading; nothing is stored. The same refusals as a "
                       "submission (422 invalid_reading, 409 reading_below_previous, 409 automatic_metering, "
                       "409 outside_window with the window's dates), and 409 tariff_not_found when no tariff is in "
                       "force. A reading far above the meter's usual consumption is not refused: `doubt` says "
                       "why a submission would ask to confirm it.")
@login_required
def preview(account_id: str):
    data = body(SubmitReadingIn)
    reply = readings().call("PreviewCharge", pb.PreviewChargeRequest(
        account_id=path_id(account_id), meter_id=data["meter_id"],
        values=[pb.ZoneValue(zone=z, value=v) for z, v in data["values"].items()],
    ), idempotent=True)
    return dump(ChargePreviewOut, reply)


@bp.get("/accounts/<account_id>/readings")
@operation("История показаний", tag="readings", response=ReadingListOut, errors=(404, 422),
           params=query_params("meter_id", "period", "page_size", "page_token", "limit"),
           description="Newest first, with status (accepted, billed, superseded, rejected) and source; filtered "
                       "by meter and period (YYYY-MM), a page at a time (page_token = the previous "
                       "next_page_token). 422 invalid_period, invalid_page_token.")
@login_required
def history(account_id: str):
    data = query(ReadingListIn)
    reply = readings().call("ListReadings", pb.ListReadingsRequest(
        account_id=path_id(account_id), meter_id=data.get("meter_id", ""), period=data.get("period", ""),
        page_size=data.get("page_size") or data.get("limit") or 0, page_token=data.get("page_token", "")),
        idempotent=True)
    return dump(ReadingListOut, reply)


@staff_bp.post("/readings/<reading_id>/correction")
@operation("Исправить показания (сотрудник)", tag="staff", body=StaffCorrectReadingIn, response=ReadingOut,
           status=201, errors=(403, 404, 409, 422),
           description="Roles admin, operator; audited. The reading's source becomes staff, with the reason; no "
                       "window and no plausibility question. 409 reading_billed and the other refusals of a "
                       "customer's correction; 422 reason_required.")
@login_required
def staff_correct(reading_id: str):
    data = body(StaffCorrectReadingIn)
    reply = readings().call("StaffCorrectReading", pb.StaffCorrectReadingRequest(
        reading_id=path_id(reading_id), reason=data["reason"], idempotency_key=idempotency_key(),
        values=[pb.ZoneValue(zone=z, value=v) for z, v in data["values"].items()]))
    return dump(ReadingOut, reply), 201


# (section: review)

class FlaggedListIn(StrictSchema):
    supplier_id = text(SHORT, metadata={"description": "only this supplier's readings"})
    period = text(SHORT, metadata={"description": "YYYY-MM: only readings counted for this period"})
    status = field(fields.String, validate=validate.OneOf(("pending", "accepted", "rejected"),
                                                          error="pending, accepted или rejected."),
                   metadata={"description": "the review's: pending (default), accepted, rejected"})
    page_size = field(fields.Integer, validate=validate.Range(min=1, max=1000, error="Допустимо от 1 до 1000."),
                      metadata={"description": "1–200 (more is 200), default 20"})
    page_token = text(SHORT, metadata={"description": "next_page_token of the previous page"})


class FlaggedReadingOut(Schema):
    reading = fields.Nested(ReadingOut, metadata={"description": "with flag_reason; review, review_reason and "
                                                                 "reviewed_at once decided"})
    submitted_by = OrNone(allow_none=True, metadata={"description": "the customer who confirmed it (null: without signing in)"})
    reviewed_by = OrNone(allow_none=True, metadata={"description": "the staff member who decided (null while pending)"})


class FlaggedReadingListOut(Schema):
    readings = fields.List(fields.Nested(FlaggedReadingOut))
    next_page_token = fields.String(metadata={"description": "\"\" on the last page"})


class ReadingReviewIn(StrictSchema):
    decision = field(fields.String, required=True, validate=validate.OneOf(("accept", "reject"),
                                                                           error="accept или reject."),
                     metadata={"description": "accept: leaves the queue, the flag stays as history; reject: the "
                                              "reading is rejected (not counted, its preliminary charge reversed, "
                                              "the customer told)"})
    reason = field(fields.String, validate=capped(500),
                   metadata={"description": "required to reject (shown to the customer); a note on acceptance"})


@staff_bp.get("/readings/flagged")
@operation("Показания на проверке (сотрудник)", tag="staff", response=FlaggedReadingListOut, errors=(403, 422),
           params=query_params("supplier_id", "period", "status", "page_size", "page_token"),
           description="Roles admin, operator. Readings a customer confirmed despite the plausibility question "
                       "(flagged), oldest first, a page at a time (page_token = the previous next_page_token): "
                       "pending review by default (not decided, still counted), or the accepted / rejected ones; by "
                       "supplier and period (YYYY-MM). 422 invalid_period, invalid_page_token.")
@login_required
def staff_flagged():
    data = query(FlaggedListIn)
    return dump(FlaggedReadingListOut, readings().call("StaffListFlaggedReadings", pb.StaffListFlaggedReadingsRequest(
        supplier_id=data.get("supplier_id", ""), period=data.get("period", ""), status=data.get("status", ""),
        page_size=data.get("page_size", 0), page_token=data.get("page_token", "")), idempotent=True))


@staff_bp.post("/readings/<reading_id>/review")
@operation("Решение по показаниям на проверке (сотрудник)", tag="staff", body=ReadingReviewIn, response=ReadingOut,
           errors=(403, 404, 409, 422),
           description="Roles admin, operator; audited. accept: the reading leaves the queue (review accepted). "
                       "reject (422 reason_required without a reason): status rejected — no longer counted, the "
                       "preliminary charge reversed on the ledger, the customer told in the inbox and shown "
                       "«Отклонено» with the reason in the history; only the meter's last reading of a period not "
                       "billed yet (409 reading_billed, not_latest_reading). 409 reading_not_flagged, "
                       "reading_reviewed (decided already), reading_superseded.")
@login_required
def staff_review(reading_id: str):
    data = body(ReadingReviewIn)
    return dump(ReadingOut, readings().call("StaffReviewReading", pb.StaffReviewReadingRequest(
        reading_id=path_id(reading_id), decision=data["decision"], reason=data.get("reason", ""))))
