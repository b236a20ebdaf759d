"""Partner payments API (/partners/v1, signed requests, gateway/partners.py): the payment-agent protocol of banks and
terminals — check, pay, status, cancel — the bank's daily registry, and `ping` (who signed this request). Shape only: payments decides who may, what
a request may say and what happens (services/payments/README.md)."""

from __future__ import annotations

from flask import Blueprint, g
from kabinet.payments.v1 import payments_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.openapi import operation
from gateway.partners import partner_required
from gateway.schema import (
    NAME,
    SHORT,
    OrNone,
    StrictSchema,
    Timestamp,
    body,
    dump,
    field,
    path_id,
    query,
    text,
)
from gateway.services import payments
from gateway.shapes import BankRegistryOut, bank_registry_file

bp = Blueprint("partners", __name__, url_prefix="/partners/v1")

KOP = validate.Range(min=-(2**53), max=2**53, error="Слишком большое число.")  # a size cap: the rules are payments'

REGISTRY_TIMEOUT = 300.0  # one transaction over the whole file (100,000 rows in seconds)
SIGNED = "Signed with the partner's key (X-Kabinet-* headers, docs/partners-api.md); a partner of kind payment_agent or bank."


class CheckIn(StrictSchema):
    account_number = text(NAME, required=True, metadata={"description": "лицевой счёт, e.g. 12-10000001"})
    supplier_id = text(SHORT, metadata={"description": "the supplier; may be left out by a partner scoped to one"})


class CheckOut(Schema):
    account_number = fields.String(metadata={"description": "as printed"})
    supplier_id = fields.String()
    holder_masked = fields.String(metadata={"description": "«И*** П***»"})
    address_part = fields.String(metadata={"description": "the street, never the house or flat"})
    amount_due_kop = fields.Integer(metadata={"description": "energy + penalties"})
    amount_due_energy_kop = fields.Integer()
    amount_due_penalties_kop = fields.Integer()


class PayIn(StrictSchema):
    txn_id = text(SHORT, required=True, metadata={"description": "the partner's transaction id, unique per partner"})
    account_number = text(NAME, required=True)
    supplier_id = text(SHORT)
    amount_kop = field(fields.Integer, required=True, strict=True, validate=KOP,
                       metadata={"description": "kopecks, > 0"})
    penalties_kop = field(fields.Integer, strict=True, validate=KOP,
                          metadata={"description": "the part for penalties (пени); default 0: all pays energy"})
    paid_at = text(SHORT, metadata={"description": "ISO 8601 with offset; default: now"})


class PaymentOut(Schema):
    txn_id = fields.String()
    payment_id = fields.String()
    status = fields.String(metadata={"enum": ["succeeded", "canceled"]})
    account_number = fields.String()
    supplier_id = fields.String()
    amount_kop = fields.Integer()
    energy_kop = fields.Integer()
    penalties_kop = fields.Integer()
    paid_at = Timestamp()
    posted_at = Timestamp()
    canceled_at = Timestamp(allow_none=True, metadata={"description": "null unless canceled"})
    channel = fields.String(metadata={"enum": ["bank", "registry"]})
    replayed = fields.Boolean(metadata={"description": "true: the answer to an earlier request with this txn_id"})


class RegistryIn(StrictSchema):
    supplier_id = text(SHORT, metadata={"description": "the supplier whose payments the file lists"})


@bp.post("/payments/check")
@operation("Проверить лицевой счёт", tag="partners", body=CheckIn, response=CheckOut, auth=False,
           errors=(401, 403, 404),
           description="*check*: what a pay terminal shows — the holder masked, part of the address, the amount due "
                       "by bucket — and nothing else. 404 account_not_found. " + SIGNED)
@partner_required
def check():
    data = body(CheckIn)
    return dump(CheckOut, payments().call("PartnerCheck", pb.PartnerCheckRequest(
        account_number=data["account_number"], supplier_id=data.get("supplier_id", "")), idempotent=True))


@bp.post("/payments")
@operation("Провести платёж", tag="partners", body=PayIn, response=PaymentOut, status=201, also={200: PaymentOut},
           auth=False, errors=(401, 403, 404, 409),
           description="*pay*: booked once per partner and txn_id (201). The same txn_id with the same request again "
                       "returns the first answer (200, replayed: true); with another amount, account or time 409 "
                       "transaction_conflict. The amount pays energy unless penalties_kop names a part for penalties. "
                       "404 account_not_found; 422 invalid_payment (fields). " + SIGNED)
@partner_required
def pay():
    data = body(PayIn)
    reply = payments().call("PartnerPay", pb.PartnerPayRequest(
        txn_id=data["txn_id"], account_number=data["account_number"], supplier_id=data.get("supplier_id", ""),
        amount_kop=data["amount_kop"], penalties_kop=data.get("penalties_kop", 0), paid_at=data.get("paid_at", "")),
        idempotent=True)
    return dump(PaymentOut, reply), (200 if reply.replayed else 201)


@bp.get("/payments/<txn_id>")
@operation("Статус платежа", tag="partners", response=PaymentOut, auth=False, errors=(401, 403, 404),
           description="*status* of one of the partner's payments by its txn_id. 404 payment_not_found. " + SIGNED)
@partner_required
def status(txn_id: str):
    return dump(PaymentOut, payments().call("PartnerGetPayment", pb.PartnerGetPaymentRequest(
        txn_id=path_id(txn_id)), idempotent=True))


@bp.post("/payments/<txn_id>/cancel")
@operation("Отменить платёж", tag="partners", response=PaymentOut, auth=False, errors=(401, 403, 404, 409),
           description="*cancel*: on the day the payment was accepted (the supplier's time zone) only; a refund "
                       "reverses the posting; a canceled payment again is returned as it is. 409 cancel_too_late; "
                       "404 payment_not_found. " + SIGNED)
@partner_required
def cancel(txn_id: str):
    return dump(PaymentOut, payments().call("PartnerCancel", pb.PartnerCancelRequest(txn_id=path_id(txn_id)),
                                            idempotent=True))


@bp.post("/registries")
@operation("Реестр платежей за день", tag="partners", response=BankRegistryOut, auth=False, files=("registry",),
           errors=(401, 403, 413),
           params=({"name": "supplier_id", "in": "query", "required": False, "schema": {"type": "string"},
                    "description": "the supplier whose payments the file lists (a scoped partner: its own)"},),
           description="The bank's daily registry (docs/bank-registry-format.md) as the multipart part `registry`. "
                       "Reconciled at once: each row is matched to the bank's payment of its txn_id, or posted when "
                       "new; the reply counts matched, missing in the ledger (posted now, or listed), missing in the "
                       "registry and amount mismatches. The same file again returns the first result (replayed). "
                       "422 registry_header, registry_totals (the totals line disagrees with the rows), "
                       "registry_rows (fields \"line <n>\"): the file is refused whole. " + SIGNED)
@partner_required
def post_registry():
    content = bank_registry_file()
    data = query(RegistryIn)
    return dump(BankRegistryOut, payments().call("ImportBankRegistry", pb.ImportBankRegistryRequest(
        content=content, supplier_id=data.get("supplier_id", "")), timeout=REGISTRY_TIMEOUT, idempotent=True))


class PingIn(StrictSchema):
    echo = text()


class PingOut(Schema):
    partner_id = fields.String()
    name = fields.String()
    kind = fields.String()
    supplier_id = OrNone(allow_none=True)
    key_id = fields.String()
    echo = fields.String(allow_none=True, metadata={"description": "POST only: the body's echo"})


@bp.get("/ping")
@operation("Проверка подписи партнёра", tag="partners", response=PingOut, auth=False, errors=(401,),
           description="Signed like every partner request (X-Kabinet-Key, -Timestamp, -Nonce, -Signature; "
                       "docs/partners-api.md); answers who signed it. 401 signature_required, invalid_signature, "
                       "stale_timestamp, nonce_reused, unknown_key, wrong_audience.")
@partner_required
def ping():
    return dump(PingOut, g.partner)


@bp.post("/ping")
@operation("Проверка подписи партнёра (с телом)", tag="partners", body=PingIn, response=PingOut, auth=False,
           errors=(401,),
           description="As GET, for a signed body: the answer repeats `echo`.")
@partner_required
def ping_with_body():
    data = body(PingIn, optional=True)
    p = g.partner
    return dump(PingOut, {"partner_id": p.partner_id, "name": p.name, "kind": p.kind, "supplier_id": p.supplier_id,
                          "key_id": p.key_id, "echo": data.get("echo")})
