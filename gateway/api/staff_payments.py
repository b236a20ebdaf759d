"""Staff: refunds of card payments (admin, audited by payments)."""

from __future__ import annotations

import kabinet_vocabulary as vocab
from flask import Blueprint
from kabinet.payments.v1 import payments_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.idempotency import idempotency_key
from gateway.openapi import operation
from gateway.schema import SHORT, StrictSchema, Timestamp, body, dump, field, one_of, path_id, text
from gateway.security import login_required
from gateway.services import payments

bp = Blueprint("staff_payments", __name__, url_prefix="/staff/v1")


class CardRefundIn(StrictSchema):
    account_id = text(SHORT, required=True)
    bucket = one_of(vocab.LEDGER_BUCKET, required=True)
    amount_kop = field(fields.Integer, required=True,
                       validate=validate.Range(min=1, max=100_000_000, error="От 1 до 100 000 000 копеек."))
    reason = text(250, required=True)


class CardRefundOut(Schema):
    refund_id = fields.String()
    payment_id = fields.String()
    account_id = fields.String()
    bucket = fields.String(metadata={"enum": list(vocab.LEDGER_BUCKET.codes)})
    amount_kop = fields.Integer()
    status = fields.String(metadata={"description": "the provider's: pending, succeeded, canceled"})
    provider_refund_id = fields.String()
    created_at = Timestamp(allow_none=True)


@bp.post("/payments/<payment_id>/refunds")
@operation("Возврат оплаты картой", tag="staff-payments", body=CardRefundIn, response=CardRefundOut, status=201,
           errors=(403, 404, 409, 422, 503),
           description="Role admin, audited. Refunds (part of) one account × bucket of a succeeded card payment "
                       "through the provider, at most what is left of it; reaches the ledger as a negative refund.")
@login_required
def refund(payment_id: str):
    data = body(CardRefundIn)
    return dump(CardRefundOut, payments().call("StaffRefundPayment", pb.StaffRefundPaymentRequest(
        payment_id=path_id(payment_id), account_id=data["account_id"], bucket=data["bucket"],
        amount_kop=data["amount_kop"], reason=data["reason"], idempotency_key=idempotency_key()))), 201
