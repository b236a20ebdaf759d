"""Сохранённые карты и автоплатёж (/api/v1/cards, /api/v1/accounts/{id}/autopay, /api/v1/autopay/confirm) and the
staff's run of the scheduler (/staff/v1/autopay/run). payments decides every rule (step-up, the e-mail link,
days, amounts, caps); the gateway checks shapes."""

from __future__ import annotations

import kabinet_vocabulary as vocab
from flask import Blueprint
from kabinet.payments.v1 import payments_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.openapi import operation
from gateway.schema import SECRET, SHORT, StrictSchema, body, dump, field, path_id, text
from gateway.security import login_required
from gateway.services import payments
from gateway.throttle import client_ip, throttle

bp = Blueprint("autopay", __name__, url_prefix="/api/v1")
staff_bp = Blueprint("staff_autopay", __name__, url_prefix="/staff/v1")
AUTOPAY_ERRORS = (403, 404, 409, 422)
# shape only (what the proto's int32/int64 can carry); payments says which values are allowed
INT32 = validate.Range(min=-(2**31), max=2**31 - 1, error="Слишком большое число.")
KOP = validate.Range(min=-(2**53), max=2**53, error="Слишком большое число.")


class CardOut(Schema):
    card_id = fields.String()
    title = fields.String(metadata={"description": "e.g. «Bank card *4477»"})
    last4 = fields.String()
    first6 = fields.String()
    expiry_month = fields.String(metadata={"description": "MM"})
    expiry_year = fields.String(metadata={"description": "YYYY"})
    card_type = fields.String()


class CardListOut(Schema):
    cards = fields.List(fields.Nested(CardOut))


class CardDeletedOut(Schema):
    autopays_switched_off = fields.List(fields.String(), metadata={"description": "accounts whose autopay paid with "
                                                                                  "this card: now off"})


class AutopaySettingsIn(StrictSchema):
    card_id = text(SHORT, required=True)
    day = field(fields.Integer, required=True, validate=INT32,
                metadata={"description": "day of the month, 1–28, the supplier's zone"})
    mode = text(SHORT, required=True, metadata={"enum": list(vocab.AUTOPAY_MODE.codes)})
    amount_kop = field(fields.Integer, load_default=0, validate=KOP,
                       metadata={"description": "fixed mode: paid each month; amount_due mode: 0"})
    cap_kop = field(fields.Integer, required=True, validate=KOP, metadata={"description": "never more than this in a month"})


class AutopaySettingsOut(Schema):
    card_id = fields.String()
    day = fields.Integer()
    mode = fields.String(metadata={"enum": list(vocab.AUTOPAY_MODE.codes)})
    amount_kop = fields.Integer()
    cap_kop = fields.Integer()


class AutopayChargeOut(Schema):
    period = fields.String(metadata={"description": "YYYY-MM"})
    status = fields.String(metadata={"enum": ["charging", "retry", "paid", "skipped", "failed"]})
    attempt = fields.Integer()
    energy_kop = fields.Integer()
    penalties_kop = fields.Integer()
    payment_id = fields.String()
    reason = fields.String(metadata={"description": "of a skip or a failure: nothing_due, below_minimum, "
                                                    "general_decline, provider_unavailable…"})


class AutopayOut(Schema):
    account_id = fields.String()
    enabled = fields.Boolean()
    off_reason = fields.String(metadata={"description": "switched_off | card_deleted | unbound | \"\""})
    settings = fields.Method("active", allow_none=True, metadata={"description": "as last confirmed; null if never"})
    pending = fields.Method("waiting", allow_none=True,
                            metadata={"description": "a change waiting for the e-mail link; null if none"})
    card = fields.Method("paying_card", allow_none=True)
    charges = fields.List(fields.Nested(AutopayChargeOut), metadata={"description": "newest month first"})

    def active(self, state):
        return AutopaySettingsOut().dump(state.settings) if state.HasField("settings") else None

    def waiting(self, state):
        return AutopaySettingsOut().dump(state.pending) if state.HasField("pending") else None

    def paying_card(self, state):
        return CardOut().dump(state.card) if state.HasField("card") else None


class AutopayConfirmIn(StrictSchema):
    token = text(SECRET, required=True)


class AutopayRunIn(StrictSchema):
    as_of = text(SHORT, metadata={"description": "RFC 3339 instant: the test clock (dev and test profiles only)"})


class AutopayRunOut(Schema):
    paid = fields.Integer()
    skipped = fields.Integer()
    retrying = fields.Integer()
    failed = fields.Integer()
    as_of = fields.String()


@bp.get("/cards")
@operation("Сохранённые карты", tag="money", response=CardListOut,
           description="Cards saved by ticking «Сохранить карту» on a card payment, oldest first.")
@login_required
def list_cards():
    return dump(CardListOut, payments().call("ListCards", pb.ListCardsRequest(), idempotent=True))


@bp.delete("/cards/<card_id>")
@operation("Удалить сохранённую карту", tag="money", response=CardDeletedOut, errors=(404,),
           description="Autopays paying with it are switched off (off_reason card_deleted). 404 card_not_found.")
@login_required
def delete_card(card_id: str):
    return dump(CardDeletedOut, payments().call("DeleteCard", pb.DeleteCardRequest(card_id=path_id(card_id))))


@bp.get("/accounts/<account_id>/autopay")
@operation("Автоплатёж лицевого счёта", tag="money", response=AutopayOut, errors=(404,))
@login_required
def get_autopay(account_id: str):
    return dump(AutopayOut, payments().call("GetAutopay", pb.GetAutopayRequest(account_id=path_id(account_id)),
                                            idempotent=True))


@bp.put("/accounts/<account_id>/autopay")
@operation("Настроить автоплатёж", tag="money", body=AutopaySettingsIn, response=AutopayOut, errors=AUTOPAY_ERRORS,
           description="Switching autopay on, or another card, needs the password entered within 5 minutes "
                       "(403 step_up_required: POST /api/v1/auth/step-up) and a confirmed e-mail (409 "
                       "email_not_confirmed); it then waits (`pending`) for the link e-mailed to the customer. "
                       "Changing only day, amount or cap of an enabled autopay of the same card applies at once. "
                       "422 invalid_input (day, mode, amount_kop, cap_kop, card_id); 404 card_not_found.")
@login_required
def put_autopay(account_id: str):
    data = body(AutopaySettingsIn)
    return dump(AutopayOut, payments().call("PutAutopay", pb.PutAutopayRequest(
        account_id=path_id(account_id), settings=pb.AutopaySettings(**data))))


@bp.delete("/accounts/<account_id>/autopay")
@operation("Отключить автоплатёж", tag="money", response=AutopayOut, errors=(404,),
           description="Its settings stay (switching on again needs the step-up and the e-mail link).")
@login_required
def delete_autopay(account_id: str):
    return dump(AutopayOut, payments().call("DeleteAutopay",
                                            pb.DeleteAutopayRequest(account_id=path_id(account_id))))


@bp.post("/autopay/confirm")
@operation("Подтверждение автоплатежа по ссылке из письма", tag="money", body=AutopayConfirmIn, response=AutopayOut,
           auth=False, errors=(404, 422, 429),
           description="The page /autopay/confirm?token=T posts the token here (no sign-in needed): the change "
                       "takes effect. 404 autopay_token_invalid (unknown, used, or older than 24 hours).")
def confirm_autopay():
    data = body(AutopayConfirmIn)
    throttle().hit("code_ip", client_ip())
    return dump(AutopayOut, payments().call("ConfirmAutopay", pb.ConfirmAutopayRequest(token=data["token"])))


@staff_bp.post("/autopay/run")
@operation("Запустить автоплатежи", tag="staff", body=AutopayRunIn, response=AutopayRunOut, errors=(403, 422),
           description="Charges the autopays whose day has come and the retries whose time came, as the worker "
                       "does every minute (once per account and month). `as_of` only in the dev and test profiles. "
                       "Role admin.")
@login_required
def run_autopay():
    data = body(AutopayRunIn, optional=True)
    return dump(AutopayRunOut, payments().call("StaffRunAutopay", pb.StaffRunAutopayRequest(as_of=data.get("as_of", "")),
                                        timeout=120))
