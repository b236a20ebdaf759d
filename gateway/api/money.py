"""Balance and charges of an account (payments decides both)."""

from __future__ import annotations

from flask import Blueprint, request
from kabinet.payments.v1 import payments_pb2 as pb
from marshmallow import Schema, fields

from gateway.openapi import operation
from gateway.schema import dump, path_id
from gateway.security import login_required
from gateway.services import payments
from gateway.shapes import BalanceOut, ChargeOut

bp = Blueprint("money", __name__, url_prefix="/api/v1")


class ChargeListOut(Schema):
    charges = fields.List(fields.Nested(ChargeOut))


@bp.get("/accounts/<account_id>/balance")
@operation("Баланс лицевого счёта", tag="money", response=BalanceOut, errors=(404,))
@login_required
def balance(account_id: str):
    return dump(BalanceOut, payments().call("GetBalance", pb.GetBalanceRequest(account_id=path_id(account_id)),
                                            idempotent=True))


@bp.get("/accounts/<account_id>/charges")
@operation("Начисления", tag="money", response=ChargeListOut, errors=(404,))
@login_required
def charges(account_id: str):
    limit = request.args.get("limit", 20, type=int)
    return dump(ChargeListOut, payments().call(
        "ListCharges", pb.ListChargesRequest(account_id=path_id(account_id), limit=limit), idempotent=True))
