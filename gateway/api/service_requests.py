"""Заявки на электромонтажные и сантехнические работы: create, list, view with history, cancel while new."""

from __future__ import annotations

from flask import Blueprint, request
from kabinet.accounts.v1 import accounts_pb2 as pb

from gateway import present
from gateway import schemas as s
from gateway.api.accounts import accounts, path_id
from gateway.openapi import operation
from gateway.security import current_caller, login_required
from gateway.throttle import throttle

bp = Blueprint("service_requests", __name__, url_prefix="/api/v1")
ACCOUNT_PARAM = {"name": "account_id", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "only the requests of this account"}


def _iso(value) -> str:
    return value.isoformat() if value else ""


@bp.get("/service-requests")
@operation("Мои заявки", tag="service-requests", response=s.ServiceRequestListOut, params=(ACCOUNT_PARAM,),
           description="Newest first, meter-data error reports included.")
@login_required
def list_requests():
    account_id = request.args.get("account_id", "")[:64]
    reply = accounts().call("ListMyServiceRequests", pb.ListMyServiceRequestsRequest(account_id=account_id),
                            idempotent=True)
    return {"requests": [present.service_request(r) for r in reply.requests]}


@bp.post("/service-requests")
@operation("Новая заявка на работы", tag="service-requests", body=s.ServiceRequestIn, response=s.ServiceRequestOut,
           status=201, errors=(404, 422, 429),
           description="Electrical or plumbing work at the account's premise (the address is taken from the "
                       "account); an optional preferred time window in the future.")
@login_required
def create_request():
    data = s.load(s.ServiceRequestIn, request.get_json(silent=True))
    throttle().hit("request_user", current_caller().user_id)
    reply = accounts().call("CreateServiceRequest", pb.CreateServiceRequestRequest(
        account_id=str(data["account_id"]), type=data["type"], description=data["description"],
        preferred_from=_iso(data.get("preferred_from")), preferred_to=_iso(data.get("preferred_to"))))
    return present.service_request(reply), 201


@bp.get("/service-requests/<request_id>")
@operation("Заявка и её история", tag="service-requests", response=s.ServiceRequestOut, errors=(404,))
@login_required
def get_request(request_id: str):
    return present.service_request(accounts().call(
        "GetServiceRequest", pb.GetServiceRequestRequest(request_id=path_id(request_id)), idempotent=True))


@bp.post("/service-requests/<request_id>/cancel")
@operation("Отменить заявку", tag="service-requests", body=s.CancelIn, response=s.ServiceRequestOut,
           errors=(404, 409, 422), description="Only while it is new (409 request_status otherwise).")
@login_required
def cancel_request(request_id: str):
    data = s.load(s.CancelIn, request.get_json(silent=True) or {})
    return present.service_request(accounts().call("CancelServiceRequest", pb.CancelServiceRequestRequest(
        request_id=path_id(request_id), comment=data["comment"])))
