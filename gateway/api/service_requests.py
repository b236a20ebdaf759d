"""Заявки на электромонтажные и сантехнические работы: create, list, view with history, cancel while new.
accounts checks the type, the description and the preferred window."""

from __future__ import annotations

import kabinet_vocabulary as vocab
from flask import Blueprint, request
from kabinet.accounts.v1 import accounts_pb2 as pb
from marshmallow import Schema, fields

from gateway.openapi import operation
from gateway.schema import SHORT, TEXT, StrictSchema, body, dump, one_of, path_id, text
from gateway.security import current_caller, login_required
from gateway.services import accounts
from gateway.shapes import ServiceRequestOut
from gateway.throttle import throttle

bp = Blueprint("service_requests", __name__, url_prefix="/api/v1")
ACCOUNT_PARAM = {"name": "account_id", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "only the requests of this account"}


class ServiceRequestIn(StrictSchema):
    account_id = text(SHORT, required=True)
    type = one_of(vocab.SERVICE_REQUEST_TYPE, required=True, metadata={"description": "electrical | plumbing"})
    description = text(TEXT, required=True)
    preferred_from = text(SHORT, metadata={"description": "ISO 8601 with a time zone, in the future"})
    preferred_to = text(SHORT, metadata={"description": "ISO 8601 with a time zone, after preferred_from"})


class CancelIn(StrictSchema):
    comment = text(TEXT, load_default="")


class ServiceRequestListOut(Schema):
    requests = fields.List(fields.Nested(ServiceRequestOut))


@bp.get("/service-requests")
@operation("Мои заявки", tag="service-requests", response=ServiceRequestListOut, params=(ACCOUNT_PARAM,),
           description="Newest first, meter-data error reports included.")
@login_required
def list_requests():
    account_id = path_id(request.args.get("account_id", ""))
    return dump(ServiceRequestListOut, accounts().call(
        "ListMyServiceRequests", pb.ListMyServiceRequestsRequest(account_id=account_id), idempotent=True))


@bp.post("/service-requests")
@operation("Новая заявка на работы", tag="service-requests", body=ServiceRequestIn, response=ServiceRequestOut,
           status=201, errors=(404, 422, 429),
           description="Electrical or plumbing work at the account's premise (the address is taken from the "
                       "account); an optional preferred time window in the future.")
@login_required
def create_request():
    data = body(ServiceRequestIn)
    throttle().hit("request_user", current_caller().user_id)
    reply = accounts().call("CreateServiceRequest", pb.CreateServiceRequestRequest(
        account_id=data["account_id"], type=data["type"], description=data["description"],
        preferred_from=data.get("preferred_from", ""), preferred_to=data.get("preferred_to", "")))
    return dump(ServiceRequestOut, reply), 201


@bp.get("/service-requests/<request_id>")
@operation("Заявка и её история", tag="service-requests", response=ServiceRequestOut, errors=(404,))
@login_required
def get_request(request_id: str):
    return dump(ServiceRequestOut, accounts().call(
        "GetServiceRequest", pb.GetServiceRequestRequest(request_id=path_id(request_id)), idempotent=True))


@bp.post("/service-requests/<request_id>/cancel")
@operation("Отменить заявку", tag="service-requests", body=CancelIn, response=ServiceRequestOut,
           errors=(404, 409, 422), description="Only while it is new (409 request_status otherwise).")
@login_required
def cancel_request(request_id: str):
    data = body(CancelIn, optional=True)
    return dump(ServiceRequestOut, accounts().call("CancelServiceRequest", pb.CancelServiceRequestRequest(
        request_id=path_id(request_id), comment=data["comment"])))
