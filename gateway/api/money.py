"""Balance, ledger and charges of an account (payments decides them all)."""

from __future__ import annotations

import kabinet_vocabulary as vocab
from flask import Blueprint, request
from kabinet.payments.v1 import payments_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.openapi import operation, query_params
from gateway.schema import NAME, SHORT, OrNone, StrictSchema, Timestamp, dump, field, path_id, query, text
from gateway.security import login_required
from gateway.services import payments
from gateway.shapes import BalanceOut, ChargeOut

bp = Blueprint("money", __name__, url_prefix="/api/v1")


class ChargeListOut(Schema):
    charges = fields.List(fields.Nested(ChargeOut))


class LedgerIn(StrictSchema):
    period = text(SHORT, metadata={"description": "YYYY-MM: one billing period only"})
    page_size = field(fields.Integer, validate=validate.Range(min=1, max=1000, error="Допустимо от 1 до 1000."),
                      metadata={"description": "1–200 (more is 200), default 50"})
    page_token = text(NAME, metadata={"description": "next_page_token of the previous page"})


class LedgerEntryOut(Schema):
    entry_id = fields.String()
    kind = fields.String(metadata={"enum": list(vocab.LEDGER_ENTRY_KIND.codes)})
    bucket = fields.String(metadata={"enum": list(vocab.LEDGER_BUCKET.codes),
                                     "description": "energy or penalties: owed and paid separately"})
    amount_kop = fields.Integer(metadata={"description": "+ pays, − owes"})
    posted_at = Timestamp(allow_none=True)
    period = OrNone(allow_none=True, metadata={"description": "YYYY-MM the entry belongs to"})
    due_on = OrNone(allow_none=True, metadata={"description": "YYYY-MM-DD: when a debt is due (оплатить до)"})
    channel = OrNone(allow_none=True, metadata={"description": "of a payment"})
    charge_id = OrNone(allow_none=True, metadata={"description": "the charge booked"})
    description = fields.String(metadata={"description": "what the entry is, in Russian"})


class LedgerOut(Schema):
    entries = fields.List(fields.Nested(LedgerEntryOut))
    next_page_token = fields.String(metadata={"description": "\"\" on the last page"})


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


@bp.get("/accounts/<account_id>/ledger")
@operation("Движение по лицевому счёту", tag="money", response=LedgerOut, errors=(404,),
           params=query_params("period", "page_size", "page_token"),
           description="Ledger entries (charges, payments, penalties, adjustments, refunds, opening balances) of "
                       "both buckets, newest first, a page at a time (page_token = the previous next_page_token); "
                       "with period=YYYY-MM, that billing period only. 422 invalid_input (period, page_token).")
@login_required
def ledger(account_id: str):
    data = query(LedgerIn)
    return dump(LedgerOut, payments().call("ListLedger", pb.ListLedgerRequest(
        account_id=path_id(account_id), period=data.get("period", ""), page_size=data.get("page_size") or 0,
        page_token=data.get("page_token", "")), idempotent=True))
