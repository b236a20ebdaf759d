"""Лицевые счета: bind with proof, list, details."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from kabinet.accounts.v1 import accounts_pb2 as pb

from gateway import present
from gateway import schemas as s
from gateway.openapi import operation
from gateway.security import login_required

bp = Blueprint("accounts", __name__, url_prefix="/api/v1")


def accounts():
    return current_app.extensions["kabinet.services"].accounts


@bp.get("/accounts")
@operation("Мои лицевые счета", tag="accounts", response=s.AccountListOut)
@login_required
def list_accounts():
    reply = accounts().call("ListMyAccounts", pb.ListMyAccountsRequest(), idempotent=True)
    return {"accounts": [present.account(a) for a in reply.accounts]}


@bp.post("/accounts")
@operation("Привязать лицевой счёт", tag="accounts", body=s.BindAccountIn, response=s.AccountOut, status=201,
           errors=(404, 422, 429),
           description="Proof: the date and amount (kopecks) of the last payment, or the meter number. "
                       "The error never says which part of the proof did not match.")
@login_required
def bind_account():
    data = s.load(s.BindAccountIn, request.get_json(silent=True))
    proof = data["proof"]
    req = pb.BindAccountRequest(number=data["number"], supplier_id=str(data.get("supplier_id") or ""),
                                alias=data["alias"])
    if "last_payment" in proof:
        req.last_payment.date = proof["last_payment"]["date"].isoformat()
        req.last_payment.amount_kop = proof["last_payment"]["amount_kop"]
    else:
        req.meter_number = proof["meter_number"]
    return present.account(accounts().call("BindAccount", req, idempotent=True)), 201


@bp.get("/accounts/<account_id>")
@operation("Лицевой счёт", tag="accounts", response=s.AccountOut, errors=(404,))
@login_required
def get_account(account_id: str):
    return present.account(accounts().call("GetAccount", pb.GetAccountRequest(account_id=account_id),
                                           idempotent=True))
