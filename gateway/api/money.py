"""Balance and charges of an account."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from kabinet.payments.v1 import payments_pb2 as pb

from gateway import present
from gateway import schemas as s
from gateway.openapi import operation
from gateway.security import login_required

bp = Blueprint("money", __name__, url_prefix="/api/v1")


def payments():
    return current_app.extensions["kabinet.services"].payments


@bp.get("/accounts/<account_id>/balance")
@operation("Баланс лицевого счёта", tag="money", response=s.BalanceOut, errors=(404,))
@login_required
def balance(account_id: str):
    return present.balance(payments().call("GetBalance", pb.GetBalanceRequest(account_id=account_id),
                                           idempotent=True))


@bp.get("/accounts/<account_id>/charges")
@operation("Начисления", tag="money", response=s.ChargeListOut, errors=(404,))
@login_required
def charges(account_id: str):
    limit = request.args.get("limit", 20, type=int)
    reply = payments().call("ListCharges", pb.ListChargesRequest(account_id=account_id, limit=limit),
                            idempotent=True)
    return {"charges": [present.charge(c) for c in reply.charges]}
