"""Лицевые счета: bind with proof, list, details (premise, meters, АИИС КУЭ), alias / group / bill delivery,
unbind, and "Сообщить об ошибке в данных счётчика"."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from kabinet.accounts.v1 import accounts_pb2 as pb

from gateway import present
from gateway import schemas as s
from gateway.openapi import operation
from gateway.security import current_caller, login_required
from gateway.throttle import client_ip, throttle

bp = Blueprint("accounts", __name__, url_prefix="/api/v1")


def accounts():
    return current_app.extensions["kabinet.services"].accounts


def path_id(value: str) -> str:
    """An id from the path as the service gets it (anything unknown is the service's NOT_FOUND)."""
    return value[:64]


def binding_attempt() -> None:
    """Gateway caps on binding attempts (accounts counts failed proofs per user and per number itself)."""
    t = throttle()
    t.hit("bind_user", current_caller().user_id)
    t.hit("bind_ip", client_ip())


@bp.get("/accounts")
@operation("Мои лицевые счета", tag="accounts", response=s.AccountListOut)
@login_required
def list_accounts():
    reply = accounts().call("ListMyAccounts", pb.ListMyAccountsRequest(), idempotent=True)
    return {"accounts": [present.account(a) for a in reply.accounts]}


@bp.post("/accounts")
@operation("Привязать лицевой счёт", tag="accounts", body=s.BindAccountIn, response=s.AccountOut, status=201,
           errors=(404, 422, 429),
           description="Proof, exactly one: the date and amount (kopecks) of the last payment, the meter number "
                       "(without series) or an activation code from a service office. Leading zeros of the number "
                       "may be omitted. A mismatch is 404 account_proof_mismatch and never says which part did not "
                       "match; failed proofs are limited per user and per number (429 too_many_attempts), and "
                       "attempts per user and per IP (429 rate_limited). Binding an account already in the "
                       "cabinet returns it.")
@login_required
def bind_account():
    data = s.load(s.BindAccountIn, request.get_json(silent=True))
    binding_attempt()
    proof = data["proof"]
    req = pb.BindAccountRequest(number=data["number"], supplier_id=str(data.get("supplier_id") or ""),
                                alias=data["alias"], group_id=str(data.get("group_id") or ""))
    if "last_payment" in proof:
        req.last_payment.date = proof["last_payment"]["date"].isoformat()
        req.last_payment.amount_kop = proof["last_payment"]["amount_kop"]
    elif "meter_number" in proof:
        req.meter_number = proof["meter_number"]
    else:
        req.activation_code = proof["activation_code"]
    return present.account(accounts().call("BindAccount", req)), 201


@bp.get("/accounts/<account_id>")
@operation("Лицевой счёт: помещение, счётчики, доставка квитанций", tag="accounts", response=s.AccountOut,
           errors=(404,), description="Premise, meters (number, model, zones, next verification), the "
                                      "bill-delivery preference and the АИИС КУЭ mark. 404 for an account that is "
                                      "not in my cabinet, whether or not it exists.")
@login_required
def get_account(account_id: str):
    return present.account(accounts().call("GetAccount", pb.GetAccountRequest(account_id=path_id(account_id)),
                                           idempotent=True))


@bp.patch("/accounts/<account_id>")
@operation("Изменить счёт: название, группа, доставка квитанций", tag="accounts", body=s.AccountPatchIn,
           response=s.AccountOut, errors=(404, 422), description="Only the fields present change.")
@login_required
def update_account(account_id: str):
    data = s.load(s.AccountPatchIn, request.get_json(silent=True))
    req = pb.UpdateAccountRequest(account_id=path_id(account_id))
    if "alias" in data:
        req.alias = data["alias"]
    if "group_id" in data:
        req.group_id = str(data["group_id"])
    if "bill_delivery" in data:
        req.bill_delivery = data["bill_delivery"]
    return present.account(accounts().call("UpdateAccount", req))


@bp.delete("/accounts/<account_id>")
@operation("Отвязать лицевой счёт", tag="accounts", status=204, errors=(404,))
@login_required
def unbind_account(account_id: str):
    accounts().call("UnbindAccount", pb.UnbindAccountRequest(account_id=path_id(account_id)))
    return "", 204


@bp.post("/accounts/<account_id>/meter-error")
@operation("Сообщить об ошибке в данных счётчика", tag="accounts", body=s.MeterErrorIn,
           response=s.ServiceRequestOut, status=201, errors=(404, 422, 429),
           description="Creates a request of type meter_data for staff; it is listed with the service requests.")
@login_required
def report_meter_error(account_id: str):
    data = s.load(s.MeterErrorIn, request.get_json(silent=True))
    throttle().hit("request_user", current_caller().user_id)
    reply = accounts().call("ReportMeterDataError", pb.ReportMeterDataErrorRequest(
        account_id=path_id(account_id), meter_id=str(data.get("meter_id") or ""), description=data["description"]))
    return present.service_request(reply), 201
