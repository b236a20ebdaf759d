"""Оплата картой (кабинет, без входа) и уведомления провайдера. Shape only: payments decides every rule."""

from __future__ import annotations

import kabinet_vocabulary as vocab
from flask import Blueprint, request
from kabinet.payments.v1 import payments_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.captcha import captchas
from gateway.idempotency import idempotency_key
from gateway.openapi import operation, query_params
from gateway.schema import (
    NAME,
    PDF,
    RU,
    SHORT,
    StrictSchema,
    Timestamp,
    attachment,
    body,
    dump,
    field,
    path_id,
    query,
    text,
)
from gateway.security import login_required
from gateway.services import payments
from gateway.throttle import client_ip, throttle

bp = Blueprint("payments", __name__, url_prefix="/api/v1")
# YooKassa's HTTP notifications: not signed (the signature check skips this prefix); payments checks the network.
provider_bp = Blueprint("payment_providers", __name__, url_prefix="/partners/v1/providers")

KOP = validate.Range(min=0, max=100_000_000, error="От 0 до 100 000 000 копеек.")


class CardPaymentAmountIn(StrictSchema):
    account_id = text(SHORT, required=True)
    energy_kop = field(fields.Integer, load_default=0, validate=KOP, metadata={"description": "за электроэнергию"})
    penalties_kop = field(fields.Integer, load_default=0, validate=KOP, metadata={"description": "пени"})


class ReceiptContactIn(StrictSchema):
    email = text(NAME)
    phone = text(SHORT)


class CardPaymentIn(StrictSchema):
    items = fields.List(fields.Nested(CardPaymentAmountIn), required=True, error_messages=RU,
                  validate=validate.Length(min=1, max=20, error="От 1 до 20 лицевых счетов."),
                  metadata={"description": "accounts and their amounts (pre-fill from GET …/balance: "
                                           "amount_due_energy_kop, amount_due_penalties_kop)"})
    save_card = field(fields.Boolean, load_default=False, metadata={"description": "«Сохранить карту»"})
    return_path = text(500, metadata={"description": "a cabinet path to come back to, default /payments"})
    receipt = fields.Nested(ReceiptContactIn, required=True, error_messages=RU,
                            metadata={"description": "where the 54-ФЗ receipt goes: email or phone"})


class CardPaymentItemOut(Schema):
    account_id = fields.String()
    bucket = fields.String(metadata={"enum": list(vocab.LEDGER_BUCKET.codes)})
    amount_kop = fields.Integer()
    account_number = fields.String()


class CardPaymentOut(Schema):
    payment_id = fields.String()
    status = fields.String(metadata={"enum": list(vocab.PAYMENT_STATUS.codes)})
    status_text = fields.String(metadata={"description": "в обработке, проведён, отменён"})
    channel = fields.String(metadata={"enum": list(vocab.PAYMENT_CHANNEL.codes)})
    amount_kop = fields.Integer()
    items = fields.List(fields.Nested(CardPaymentItemOut))
    confirmation_url = fields.String(metadata={"description": "the provider's payment page (while pending): "
                                                              "send the customer there"})
    cancel_reason = fields.String(metadata={"description": "the provider's reason code"})
    cancel_message = fields.String(metadata={"description": "why it was canceled, in Russian"})
    created_at = Timestamp(allow_none=True)
    succeeded_at = Timestamp(allow_none=True)
    card = fields.String(metadata={"description": "masked: 5555 55** **** 4477"})
    refunded_kop = fields.Integer()
    provider_payment_id = fields.String(metadata={"description": "the payment's id at the provider (support)"})


class PaymentHistoryIn(StrictSchema):
    account_id = text(SHORT)
    page_size = field(fields.Integer, validate=validate.Range(min=1, max=1000, error="Допустимо от 1 до 1000."))
    page_token = text(NAME)


class PaymentHistoryEntryOut(Schema):
    id = fields.String(metadata={"description": "a card payment's id (source card) or a ledger entry's"})
    source = fields.String(metadata={"enum": ["card", "ledger"]})
    channel = fields.String(metadata={"description": "PAYMENT_CHANNEL: cabinet, bank, registry, third_party, …"})
    status = fields.String(metadata={"enum": list(vocab.PAYMENT_STATUS.codes)})
    status_text = fields.String()
    kind = fields.String(metadata={"enum": ["payment", "refund"]})
    amount_kop = fields.Integer(metadata={"description": "a refund is negative"})
    at = Timestamp(allow_none=True)
    items = fields.List(fields.Nested(CardPaymentItemOut))
    description = fields.String()
    cancel_message = fields.String()
    receipt_available = fields.Boolean(metadata={"description": "GET /payments/{id}/receipt.pdf works"})


class PaymentHistoryOut(Schema):
    payments = fields.List(fields.Nested(PaymentHistoryEntryOut))
    next_page_token = fields.String(metadata={"description": "\"\" on the last page"})


class PublicAccountIn(StrictSchema):
    number = text(SHORT, required=True, metadata={"description": "номер лицевого счёта"})
    supplier_id = text(SHORT, required=True)
    captcha_id = text(SHORT)
    captcha_answer = text(SHORT)


class PublicAccountOut(Schema):
    supplier_id = fields.String()
    number = fields.String()
    holder_masked = fields.String(metadata={"description": "«И*** П***»"})
    address_part = fields.String(metadata={"description": "the street, no house or flat"})
    amount_due_energy_kop = fields.Integer()
    amount_due_penalties_kop = fields.Integer()
    amount_due_kop = fields.Integer()


class PublicPaymentIn(StrictSchema):
    number = text(SHORT, required=True)
    supplier_id = text(SHORT, required=True)
    energy_kop = field(fields.Integer, load_default=0, validate=KOP)
    penalties_kop = field(fields.Integer, load_default=0, validate=KOP)
    receipt = fields.Nested(ReceiptContactIn, required=True, error_messages=RU)
    return_path = text(500)
    captcha_id = text(SHORT)
    captcha_answer = text(SHORT)


class PublicPaymentOut(Schema):
    payment_id = fields.String()
    status = fields.String(metadata={"enum": list(vocab.PAYMENT_STATUS.codes)})
    status_text = fields.String()
    amount_kop = fields.Integer()
    confirmation_url = fields.String()


class ProviderNotificationOut(Schema):
    notification_id = fields.Integer()


def _receipt(data: dict) -> pb.ReceiptContact:
    given = data.get("receipt") or {}
    return pb.ReceiptContact(email=given.get("email", ""), phone=given.get("phone", ""))


def _public_guard(data: dict) -> None:
    throttle().hit("public_pay_ip", client_ip())
    captchas().verify(data.get("captcha_id"), data.get("captcha_answer"))


@bp.post("/payments")
@operation("Оплатить картой", tag="payments", body=CardPaymentIn, response=CardPaymentOut, status=201,
           errors=(404, 422, 503),
           description="One or several of the caller's accounts, energy and penalties as separate amounts "
                       "(pre-filled from the balance's amount due, editable). Returns the payment pending with "
                       "confirmation_url, the provider's page. Status: pending («в обработке») → succeeded "
                       "(«проведён») / canceled with a Russian reason. 503 provider_unavailable: the provider's "
                       "break or outage, nothing created. The same Idempotency-Key with another body: 422 "
                       "idempotency_key_reused.")
@login_required
def create_payment():
    data = body(CardPaymentIn)
    reply = payments().call("CreatePayment", pb.CreatePaymentRequest(
        items=[pb.PaymentAccountAmount(account_id=i["account_id"], energy_kop=i["energy_kop"],
                                       penalties_kop=i["penalties_kop"]) for i in data["items"]],
        save_card=data["save_card"], return_path=data.get("return_path", ""), receipt=_receipt(data),
        idempotency_key=idempotency_key()))
    return dump(CardPaymentOut, reply), 201


@bp.get("/payments")
@operation("История платежей", tag="payments", response=PaymentHistoryOut, errors=(404, 422),
           params=query_params("account_id", "page_size", "page_token"),
           description="Newest first: the caller's card payments (any status) and the payments and refunds of "
                       "every other channel (bank, registry, partners) on his accounts, with the channel.")
@login_required
def list_payments():
    data = query(PaymentHistoryIn)
    return dump(PaymentHistoryOut, payments().call("ListPayments", pb.ListPaymentsRequest(
        account_id=data.get("account_id", ""), page_size=data.get("page_size") or 0,
        page_token=data.get("page_token", "")), idempotent=True))


@bp.get("/payments/<payment_id>")
@operation("Платёж картой", tag="payments", response=CardPaymentOut, errors=(404,))
@login_required
def get_payment(payment_id: str):
    return dump(CardPaymentOut, payments().call("GetPayment", pb.GetPaymentRequest(payment_id=path_id(payment_id)),
                                            idempotent=True))


@bp.get("/payments/<payment_id>/receipt.pdf")
@operation("Чек оплаты (PDF)", tag="payments", errors=(404,), produces=PDF,
           description="Only for card payments made through the cabinet (or by autopay) that succeeded: the "
                       "54-ФЗ data and the fiscal status. 404 receipt_not_found for anything else.")
@login_required
def receipt_pdf(payment_id: str):
    reply = payments().call("GetReceiptPdf", pb.GetReceiptPdfRequest(payment_id=path_id(payment_id)),
                            idempotent=True)
    return attachment(reply, PDF, "chek.pdf")


@bp.post("/public/payments/account")
@operation("Оплата без входа: найти лицевой счёт", tag="payments", auth=False, body=PublicAccountIn,
           response=PublicAccountOut, errors=(404, 422, 429),
           description="What a pay terminal shows (masked holder, street, amount due) of an account by its number "
                       "and supplier. Needs a captcha (GET /api/v1/captcha); rate limited per address.")
def public_account():
    data = body(PublicAccountIn)
    _public_guard(data)
    return dump(PublicAccountOut, payments().call("GetPublicAccount", pb.GetPublicAccountRequest(
        number=data["number"], supplier_id=data["supplier_id"]), idempotent=True))


@bp.post("/public/payments")
@operation("Оплата без входа в кабинет", tag="payments", auth=False, body=PublicPaymentIn,
           response=PublicPaymentOut, status=201, errors=(404, 422, 429, 503),
           description="A card payment of one account by number and supplier (channel public). Needs a captcha; "
                       "rate limited per address. Returns confirmation_url; 503 provider_unavailable as above.")
def public_payment():
    data = body(PublicPaymentIn)
    _public_guard(data)
    reply = payments().call("CreatePublicPayment", pb.CreatePublicPaymentRequest(
        number=data["number"], supplier_id=data["supplier_id"], energy_kop=data["energy_kop"],
        penalties_kop=data["penalties_kop"], receipt=_receipt(data), return_path=data.get("return_path", ""),
        idempotency_key=idempotency_key()))
    return dump(PublicPaymentOut, reply), 201


@provider_bp.post("/<provider>/notifications")
@operation("Уведомление платёжного сервиса (ЮKassa)", tag="payments", auth=False, response=ProviderNotificationOut,
           errors=(403, 404, 422),
           description="YooKassa's HTTP notification, unsigned: only from the provider's networks (403 "
                       "notification_source_refused). Stored and answered at once; the payment's status is "
                       "re-fetched from the provider, never taken from the body.")
def provider_notification(provider: str):
    reply = payments().call("HandleProviderNotification", pb.ProviderNotification(
        provider=provider[:SHORT], body=request.get_data(cache=True), source_ip=client_ip()))
    return dump(ProviderNotificationOut, reply)
