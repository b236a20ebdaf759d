"""Interval (hourly) profiles of legal entities: the .xlsx template, upload, list, delete; staff review. Readings
checks every cell, the mode, the month and the rules (docs/interval-profiles.md); the gateway passes them on."""

from __future__ import annotations

from flask import Blueprint, request
from kabinet.readings.v1 import readings_pb2 as pb
from kabinet_vocabulary import INTERVAL_MODE, INTERVAL_PROFILE_STATUS
from marshmallow import Schema, fields, validate

from gateway.openapi import operation, query_params
from gateway.schema import (
    SHORT,
    XLSX,
    OrNone,
    StrictSchema,
    Timestamp,
    attachment,
    body,
    capped,
    dump,
    field,
    one_of,
    path_id,
    query,
    text,
)
from gateway.security import login_required
from gateway.services import readings
from kit.errors import InvalidInput

bp = Blueprint("interval_profiles", __name__, url_prefix="/api/v1")
staff_bp = Blueprint("staff_interval_profiles", __name__, url_prefix="/staff/v1")

PROFILES = "/accounts/<account_id>/meters/<meter_id>/interval-profiles"
PAGE = validate.Range(min=1, max=1000, error="Допустимо от 1 до 1000.")  # a size cap; readings caps at 200



class TemplateIn(StrictSchema):
    period = text(SHORT, required=True, metadata={"description": "YYYY-MM"})


class UploadIn(StrictSchema):
    mode = one_of(INTERVAL_MODE, required=True, metadata={"description": "the primary act's mode (IntervalMode)"})
    period = text(SHORT, metadata={"description": "YYYY-MM; by default the month of the file's dates"})


class ListIn(StrictSchema):
    period = text(SHORT, metadata={"description": "YYYY-MM"})
    status = one_of(INTERVAL_PROFILE_STATUS)
    page_size = field(fields.Integer, validate=PAGE, metadata={"description": "50 by default, at most 200"})


class ListAllIn(ListIn):
    contract = text(SHORT, metadata={"description": "a contract number (14 digits): its account's profiles"})
    account_id = text(SHORT)


class StaffListIn(ListIn):
    supplier_id = text(SHORT)


class ReviewIn(StrictSchema):
    reason = field(fields.String, validate=capped(500),
                   metadata={"description": "required to reject; a note on acceptance (audited)"})


class IntervalDayOut(Schema):
    date = fields.String(metadata={"description": "YYYY-MM-DD"})
    values = fields.List(fields.String(), metadata={"description": "24 hourly values, «00-01» first, 7 places"})


class IntervalProfileOut(Schema):
    profile_id = fields.String()
    account_id = fields.String()
    meter_id = fields.String()
    period = fields.String(metadata={"description": "YYYY-MM"})
    mode = fields.String(metadata={"enum": list(INTERVAL_MODE.codes)})
    status = fields.String(metadata={"enum": list(INTERVAL_PROFILE_STATUS.codes),
                                     "description": "pending is «В ожидании»"})
    total_kwh = fields.String(metadata={"description": "«Расход интервальный»: the values summed, 7 places"})
    integral_kwh = OrNone(allow_none=True, metadata={"description": "the month's consumption by register readings in the mode's "
                                                   "units (× КТ in the КТ modes); null when none counts"})
    delta_kwh = OrNone(allow_none=True, metadata={"description": "«Дельта» = integral_kwh − total_kwh, ideally 0"})
    ratio = fields.String(metadata={"description": "the meter's КТ"})
    hours = fields.Integer()
    submitted_at = Timestamp()
    submitted_by = fields.String()
    decided_at = Timestamp(allow_none=True, metadata={"description": "accepted, rejected or deleted; null while pending"})
    reason = OrNone(allow_none=True)
    days = fields.List(fields.Nested(IntervalDayOut), metadata={"description": "one profile's values only"})


class IntervalProfileListOut(Schema):
    profiles = fields.List(fields.Nested(IntervalProfileOut))


RULES = ("Only a legal entity's meter (409 interval_not_for_account), never АИИС КУЭ (409 automatic_metering); "
         "404 account_not_found, 422 meter_not_on_account.")


@bp.get("/accounts/<account_id>/meters/<meter_id>/interval-template.xlsx")
@operation("Шаблон почасового профиля (.xlsx)", tag="readings", errors=(404, 409), produces=XLSX,
           params=query_params("period"),
           description="Column A the hours 00-01 … 23-24, row 1 the month's dates (B1 the 1st … AF1 the 31st), the "
                       "values empty; 422 invalid_period. Nothing is stored. " + RULES)
@login_required
def template(account_id: str, meter_id: str):
    data = query(TemplateIn)
    reply = readings().call("GetIntervalTemplate", pb.GetIntervalTemplateRequest(
        account_id=path_id(account_id), meter_id=path_id(meter_id), period=data["period"]), idempotent=True)
    return attachment(reply, XLSX, "interval.xlsx")


@bp.post(PROFILES)
@operation("Передать почасовой профиль (заполненный шаблон .xlsx)", tag="readings", response=IntervalProfileOut,
           status=201, files=(("file", XLSX),), errors=(404, 409), params=query_params("mode", "period"),
           description="Multipart part `file`: the filled template. Stored «В ожидании» (pending). Every bad cell "
                       "is listed in `errors` by its address (e.g. \"D7\": \"не число\"; at most 100, the message "
                       "says how many) with 422 invalid_interval_file, and nothing is stored. 409 "
                       "integral_reading_required («Для отправки интервальных показаний необходимо сначала "
                       "передать интегральные»), 409 interval_profile_exists (the same file and mode again "
                       "returns the first profile). " + RULES)
@login_required
def upload(account_id: str, meter_id: str):
    data = query(UploadIn)
    reply = readings().call("SubmitIntervalProfile", pb.SubmitIntervalProfileRequest(
        account_id=path_id(account_id), meter_id=path_id(meter_id), mode=data["mode"],
        period=data.get("period", ""), content=_file()))
    return dump(IntervalProfileOut, reply), 201


@bp.get(PROFILES)
@operation("Почасовые профили счётчика", tag="readings", response=IntervalProfileListOut, errors=(404,),
           params=query_params("period", "status", "page_size"),
           description="Newest month first, without values, with «Расход интервальный» and «Дельта».")
@login_required
def list_for_meter(account_id: str, meter_id: str):
    data = query(ListIn)
    return dump(IntervalProfileListOut, readings().call("ListIntervalProfiles", pb.ListIntervalProfilesRequest(
        account_id=path_id(account_id), meter_id=path_id(meter_id), **_filters(data)), idempotent=True))


@bp.get("/interval-profiles")
@operation("Почасовые профили по договору или всех счетов", tag="readings", response=IntervalProfileListOut,
           errors=(404,), params=query_params("contract", "account_id", "period", "status", "page_size"),
           description="The caller's profiles, newest month first: of a contract (a legal entity's account is "
                       "numbered as its contract; 404 contract_not_found when it is not the caller's), of an "
                       "account, or of all the caller's accounts.")
@login_required
def list_all():
    data = query(ListAllIn)
    return dump(IntervalProfileListOut, readings().call("ListIntervalProfiles", pb.ListIntervalProfilesRequest(
        account_id=data.get("account_id", ""), contract=data.get("contract", ""), **_filters(data)),
        idempotent=True))


@bp.get(PROFILES + "/<profile_id>")
@operation("Почасовой профиль со значениями", tag="readings", response=IntervalProfileOut, errors=(404,),
           description="With `days`: each day's 24 values. 404 interval_profile_not_found.")
@login_required
def get_profile(account_id: str, meter_id: str, profile_id: str):
    return dump(IntervalProfileOut, readings().call("GetIntervalProfile", _ids(account_id, meter_id, profile_id),
                                                    idempotent=True))


@bp.delete(PROFILES + "/<profile_id>")
@operation("Удалить почасовой профиль (пока он не принят)", tag="readings", response=IntervalProfileOut,
           errors=(404, 409),
           description="The profile becomes deleted; a new one for the month may then be uploaded. 409 "
                       "interval_profile_decided once accepted or rejected.")
@login_required
def delete_profile(account_id: str, meter_id: str, profile_id: str):
    return dump(IntervalProfileOut, readings().call("DeleteIntervalProfile", _ids(account_id, meter_id,
                                                                                  profile_id)))


@staff_bp.get("/interval-profiles")
@operation("Почасовые профили на проверке (сотрудник)", tag="staff", response=IntervalProfileListOut,
           errors=(403,), params=query_params("supplier_id", "status", "period", "page_size"),
           description="Every customer's profiles, oldest submission first: pending («В ожидании») unless `status` "
                       "says otherwise; by supplier and month; without values. Roles admin, operator.")
@login_required
def staff_list():
    data = query(StaffListIn)
    return dump(IntervalProfileListOut, readings().call("StaffListIntervalProfiles",
                                                        pb.StaffListIntervalProfilesRequest(
                                                            supplier_id=data.get("supplier_id", ""),
                                                            **_filters(data)), idempotent=True))


@staff_bp.post("/interval-profiles/<profile_id>/accept")
@operation("Принять почасовой профиль (сотрудник)", tag="staff", body=ReviewIn, response=IntervalProfileOut,
           errors=(403, 404, 409),
           description="Roles admin, operator; audited. The values become the meter's hourly consumption (the "
                       "consumption series by day and hour). 409 interval_profile_not_pending.")
@login_required
def staff_accept(profile_id: str):
    return _review("StaffAcceptIntervalProfile", profile_id)


@staff_bp.post("/interval-profiles/<profile_id>/reject")
@operation("Отклонить почасовой профиль (сотрудник)", tag="staff", body=ReviewIn, response=IntervalProfileOut,
           errors=(403, 404, 409),
           description="Roles admin, operator; audited; 422 reason_required. 409 interval_profile_not_pending.")
@login_required
def staff_reject(profile_id: str):
    return _review("StaffRejectIntervalProfile", profile_id)


def _review(rpc: str, profile_id: str):
    data = body(ReviewIn, optional=True)
    return dump(IntervalProfileOut, readings().call(rpc, pb.StaffReviewIntervalProfileRequest(
        profile_id=path_id(profile_id), reason=data.get("reason", ""))))


def _ids(account_id: str, meter_id: str, profile_id: str) -> pb.GetIntervalProfileRequest:
    return pb.GetIntervalProfileRequest(account_id=path_id(account_id), meter_id=path_id(meter_id),
                                        profile_id=path_id(profile_id))


def _filters(data: dict) -> dict:
    return dict(period=data.get("period", ""), status=data.get("status", ""), page_size=data.get("page_size", 0))


def _file() -> bytes:
    """The multipart part `file` and nothing else (the 1 MB body limit applies: a filled month is ~15 KB)."""
    upload = request.files.get("file")
    if upload is None or set(request.files) - {"file"} or request.form:
        raise InvalidInput("Приложите заполненный шаблон .xlsx (часть file).", code="interval_file_required",
                           fields={"file": "Обязательное поле."})
    return upload.read()
