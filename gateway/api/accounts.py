"""Лицевые счета: bind with proof, list, details (premise, meters, АИИС КУЭ), alias / group / bill delivery,
unbind, and "Сообщить об ошибке в данных счётчика". accounts decides every rule."""

from __future__ import annotations

import kabinet_vocabulary as vocab
from flask import Blueprint, jsonify
from kabinet.accounts.v1 import accounts_pb2 as pb
from marshmallow import Schema, ValidationError, fields, validates_schema

from gateway.captcha import solved_if_given
from gateway.openapi import operation
from gateway.schema import SHORT, TEXT, StrictSchema, body, dump, field, one_of, path_id, text
from gateway.security import current_caller, login_required
from gateway.services import accounts
from gateway.shapes import AccountOut, ServiceRequestOut
from gateway.throttle import binding_attempt, throttle

bp = Blueprint("accounts", __name__, url_prefix="/api/v1")
PROOFS = ("last_payment", "meter_number", "activation_code")


class LastPaymentIn(StrictSchema):
    date = field(fields.Date, required=True, error_messages={"required": "Обязательное поле.",
                                                             "invalid": "Дата в формате ГГГГ-ММ-ДД."})
    amount_kop = field(fields.Integer, required=True, strict=True)


class ProofIn(StrictSchema):
    last_payment = fields.Nested(LastPaymentIn, metadata={"description": "the last payment (or the one before it "
                                                                         "when the last was a third party's < 14 days ago)"})
    meter_number = text(metadata={"description": "without series"})
    activation_code = text(metadata={"description": "from a service office; case, spaces and dashes ignored"})

    @validates_schema
    def exactly_one(self, data, **_):
        if sum(name in data for name in PROOFS) != 1:
            raise ValidationError("Укажите дату и сумму последней оплаты, номер счётчика или код активации.", "_")


class BindAccountIn(StrictSchema):
    number = text(required=True)
    captcha_id = text(SHORT, metadata={"description": "when asked (422 captcha_required): this number has seen "
                                                     "many failed proofs"})
    captcha_answer = text(SHORT)
    supplier_id = text(SHORT)
    alias = text(load_default="")
    group_id = text(SHORT, metadata={"description": "one of my groups; default «Моя группа»"})
    proof = field(fields.Nested, nested=ProofIn, required=True)


class AccountPatchIn(StrictSchema):
    alias = text(metadata={"description": "\"\" clears it"})
    group_id = text(SHORT)
    bill_delivery = one_of(vocab.BILL_DELIVERY)

    @validates_schema
    def something(self, data, **_):
        if not data:
            raise ValidationError("Укажите, что изменить.", "_")


class AccountListOut(Schema):
    accounts = fields.List(fields.Nested(AccountOut))


class PublicSupplierOut(Schema):
    supplier_id = fields.String()
    name = fields.String()
    services = fields.List(fields.String(), metadata={"description": "e.g. Электроэнергия"})


class PublicSupplierListOut(Schema):
    suppliers = fields.List(fields.Nested(PublicSupplierOut))


class MeterErrorIn(StrictSchema):
    meter_id = text(SHORT, metadata={"description": "optional: the meter concerned"})
    description = text(TEXT, required=True)


@bp.get("/suppliers")
@operation("Поставщики", tag="accounts", response=PublicSupplierListOut, auth=False,
           description="The suppliers a customer may choose from when adding an account or paying and submitting "
                       "readings without signing in, by name. Only what is public: id, name, services.")
def list_suppliers():
    response = jsonify(dump(PublicSupplierListOut, accounts().call("ListSuppliers", pb.ListSuppliersRequest(),
                                                             idempotent=True)))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/accounts")
@operation("Мои лицевые счета", tag="accounts", response=AccountListOut)
@login_required
def list_accounts():
    return dump(AccountListOut, accounts().call("ListMyAccounts", pb.ListMyAccountsRequest(), idempotent=True))


@bp.post("/accounts")
@operation("Привязать лицевой счёт", tag="accounts", body=BindAccountIn, response=AccountOut, status=201,
           errors=(404, 422, 429),
           description="Proof, exactly one: the date and amount (kopecks) of the last payment, the meter number "
                       "(without series) or an activation code from a service office. Leading zeros of the number "
                       "may be omitted. A mismatch is 404 account_proof_mismatch and never says which part did not "
                       "match. Failed proofs are limited per cabinet (429 too_many_attempts) and attempts per "
                       "user and per IP (429 rate_limited); a number that has seen many failed proofs from anyone "
                       "asks for a captcha (422 captcha_required: send captcha_id and captcha_answer), never "
                       "refuses its owner. Binding an account already in the cabinet returns it.")
@login_required
def bind_account():
    data = body(BindAccountIn)
    binding_attempt(current_caller().user_id)
    proof = data["proof"]
    req = pb.BindAccountRequest(number=data["number"], supplier_id=data.get("supplier_id", ""),
                                alias=data["alias"], group_id=data.get("group_id", ""),
                                captcha_solved=solved_if_given(data))
    if "last_payment" in proof:
        req.last_payment.date = proof["last_payment"]["date"].isoformat()
        req.last_payment.amount_kop = proof["last_payment"]["amount_kop"]
    elif "meter_number" in proof:
        req.meter_number = proof["meter_number"]
    else:
        req.activation_code = proof["activation_code"]
    return dump(AccountOut, accounts().call("BindAccount", req)), 201


@bp.get("/accounts/<account_id>")
@operation("Лицевой счёт: помещение, счётчики, доставка квитанций", tag="accounts", response=AccountOut,
           errors=(404,), description="Premise, meters (number, model, zones, next verification), the "
                                      "bill-delivery preference and the АИИС КУЭ mark. 404 for an account that is "
                                      "not in my cabinet, whether or not it exists.")
@login_required
def get_account(account_id: str):
    return dump(AccountOut, accounts().call("GetAccount", pb.GetAccountRequest(account_id=path_id(account_id)),
                                            idempotent=True))


@bp.patch("/accounts/<account_id>")
@operation("Изменить счёт: название, группа, доставка квитанций", tag="accounts", body=AccountPatchIn,
           response=AccountOut, errors=(404, 422), description="Only the fields present change.")
@login_required
def update_account(account_id: str):
    data = body(AccountPatchIn)
    req = pb.UpdateAccountRequest(account_id=path_id(account_id))
    for name in ("alias", "group_id", "bill_delivery"):
        if name in data:
            setattr(req, name, data[name])
    return dump(AccountOut, accounts().call("UpdateAccount", req))


@bp.delete("/accounts/<account_id>")
@operation("Отвязать лицевой счёт", tag="accounts", status=204, errors=(404,))
@login_required
def unbind_account(account_id: str):
    accounts().call("UnbindAccount", pb.UnbindAccountRequest(account_id=path_id(account_id)))
    return "", 204


@bp.post("/accounts/<account_id>/meter-error")
@operation("Сообщить об ошибке в данных счётчика", tag="accounts", body=MeterErrorIn,
           response=ServiceRequestOut, status=201, errors=(404, 422, 429),
           description="Creates a request of type meter_data for staff; it is listed with the service requests.")
@login_required
def report_meter_error(account_id: str):
    data = body(MeterErrorIn)
    throttle().hit("request_user", current_caller().user_id)
    reply = accounts().call("ReportMeterDataError", pb.ReportMeterDataErrorRequest(
        account_id=path_id(account_id), meter_id=data.get("meter_id", ""), description=data["description"]))
    return dump(ServiceRequestOut, reply), 201
