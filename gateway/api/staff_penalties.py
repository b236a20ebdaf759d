"""Penalties' settings and the accrual as staff tools (/staff/v1/key-rates, /staff/v1/moratoria,
/staff/v1/penalties/accrue). payments checks the roles (operator reads, admin writes), every value and date,
and audits every call."""

from __future__ import annotations

from flask import Blueprint
from kabinet.payments.v1 import payments_pb2 as pb
from marshmallow import Schema, fields

from gateway.openapi import operation
from gateway.schema import SHORT, StrictSchema, body, dump, text
from gateway.security import login_required
from gateway.services import payments

bp = Blueprint("staff_penalties", __name__, url_prefix="/staff/v1")
DATE = {"description": "YYYY-MM-DD"}


class KeyRateIn(StrictSchema):
    valid_from = text(SHORT, required=True, metadata=DATE)
    rate_percent = text(SHORT, required=True, metadata={"description": "percent per year, e.g. \"16.5\" (a point "
                                                                      "or a comma)"})


class KeyRateOut(Schema):
    valid_from = fields.String(metadata={"description": "YYYY-MM-DD: in force from, until the next one"})
    rate_percent = fields.String()


class KeyRateListOut(Schema):
    rates = fields.List(fields.Nested(KeyRateOut))


class MoratoriumIn(StrictSchema):
    moratorium_id = text(SHORT, metadata={"description": "to change one; absent: a new one"})
    valid_from = text(SHORT, required=True, metadata={"description": "YYYY-MM-DD: the first day without accrual"})
    valid_until = text(SHORT, required=True, metadata={"description": "YYYY-MM-DD: the last day without accrual"})
    title = text(required=True, metadata={"description": "the ground, e.g. the decree"})


class MoratoriumOut(Schema):
    moratorium_id = fields.String()
    valid_from = fields.String(metadata=DATE)
    valid_until = fields.String(metadata=DATE)
    title = fields.String()


class MoratoriumListOut(Schema):
    moratoria = fields.List(fields.Nested(MoratoriumOut))


class AccrueIn(StrictSchema):
    through = text(SHORT, metadata={"description": "YYYY-MM-DD, the last day to accrue; absent: today"})
    supplier_id = text(SHORT, metadata={"description": "only this supplier's accounts; absent: every supplier"})


class AccruedOut(Schema):
    accruals = fields.Integer(metadata={"description": "account-days with penalties booked by this call"})
    amount_kop = fields.Integer()
    through = fields.String(metadata=DATE)


@bp.get("/key-rates")
@operation("Ключевая ставка", tag="staff", response=KeyRateListOut, errors=(403,),
           description="Key rate versions, oldest first. Role operator or admin.")
@login_required
def list_key_rates():
    return dump(KeyRateListOut, payments().call("StaffListKeyRates", pb.StaffListKeyRatesRequest(), idempotent=True))


@bp.put("/key-rates")
@operation("Задать ключевую ставку", tag="staff", body=KeyRateIn, response=KeyRateOut, errors=(403, 422),
           description="Creates or replaces the rate from valid_from; days accrued already keep their penalties. "
                       "422 invalid_key_rate (valid_from, rate_percent: > 0, at most 100, at most 3 decimals). "
                       "Role admin.")
@login_required
def set_key_rate():
    data = body(KeyRateIn)
    return dump(KeyRateOut, payments().call("StaffSetKeyRate", pb.KeyRate(**data), idempotent=True))


@bp.get("/moratoria")
@operation("Моратории на пени", tag="staff", response=MoratoriumListOut, errors=(403,),
           description="Oldest first. Role operator or admin.")
@login_required
def list_moratoria():
    return dump(MoratoriumListOut, payments().call("StaffListMoratoria", pb.StaffListMoratoriaRequest(),
                                                   idempotent=True))


@bp.post("/moratoria")
@operation("Объявить мораторий", tag="staff", body=MoratoriumIn, response=MoratoriumOut, errors=(403, 422),
           description="No penalties accrue from valid_from to valid_until inclusive; with moratorium_id, that "
                       "one is changed. 422 invalid_moratorium (moratorium_id, valid_from, valid_until, title). "
                       "Role admin.")
@login_required
def set_moratorium():
    data = body(MoratoriumIn)
    return dump(MoratoriumOut, payments().call("StaffSetMoratorium", pb.Moratorium(**data)))


@bp.post("/penalties/accrue")
@operation("Начислить пени", tag="staff", body=AccrueIn, response=AccruedOut, errors=(403, 422),
           description="Accrues every account's (or one supplier's accounts') penalties for each day through `through` that has none yet "
                       "(exactly once per account and day; the worker does it daily through yesterday). A day "
                       "after today only in the dev and test profiles. 422 invalid_input (through, supplier_id). Role admin.")
@login_required
def accrue():
    data = body(AccrueIn, optional=True)
    return dump(AccruedOut, payments().call("StaffAccruePenalties", pb.StaffAccruePenaltiesRequest(
        through=data.get("through", ""), supplier_id=data.get("supplier_id", "")), timeout=120))
