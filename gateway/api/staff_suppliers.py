"""Suppliers (поставщики, the tenants) as staff master data (/staff/v1/suppliers): list, view, create, change.
accounts checks the role (operator reads, admin writes), every value (ИНН, КПП, БИК and the accounts' control
keys, SMS code, time zone, readings window, payment due day, services), and audits every call."""

from __future__ import annotations

from flask import Blueprint
from google.protobuf.field_mask_pb2 import FieldMask
from kabinet.accounts.v1 import accounts_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.openapi import operation
from gateway.schema import SHORT, OrNone, StrictSchema, body, dump, field, path_id, text
from gateway.security import login_required
from gateway.services import accounts

bp = Blueprint("staff_suppliers", __name__, url_prefix="/staff/v1")
GROUPS = ("bank", "readings_window")  # nested objects: a change names their fields one by one
SERVICES_CAP = 100


def whole(**kw) -> fields.Integer:
    """An integer that fits the message (int32); which values make sense is accounts' rule."""
    return field(fields.Integer, strict=True, validate=validate.Range(
        min=-(2**31), max=2**31 - 1, error="Слишком большое число."), **kw)


class BankIn(StrictSchema):
    bank_name = text()
    bic = text(SHORT, metadata={"description": "БИК, 9 digits"})
    settlement_account = text(SHORT, metadata={"description": "расчётный счёт, 20 digits, keyed with the BIC"})
    correspondent_account = text(SHORT, metadata={"description": "корр. счёт, 20 digits, keyed with the BIC"})


class ReadingsWindowIn(StrictSchema):
    from_day = whole(metadata={"description": "1–31"})
    to_day = whole(metadata={"description": "1–31, not before from_day"})
    outside = text(SHORT, metadata={"description": "refuse | next_period: what happens to a reading outside"})


class SupplierIn(StrictSchema):
    name = text()
    inn = text(SHORT, metadata={"description": "ИНН of a legal entity, 10 digits"})
    kpp = text(SHORT, metadata={"description": "КПП, 9 characters"})
    bank = field(fields.Nested, nested=BankIn)
    sms_code = text(SHORT, metadata={"description": "3 digits, e.g. \"012\": the code in SMS readings and "
                                                    "registries; unique"})
    timezone = text(SHORT, metadata={"description": "IANA name; on creation Europe/Moscow when absent"})
    readings_window = field(fields.Nested, nested=ReadingsWindowIn)
    payment_due_day = whole(metadata={"description": "1–28: the day of the next month a month's bill is due"})
    services = field(fields.List, cls_or_instance=text(), validate=validate.Length(
        max=SERVICES_CAP, error=f"Не больше {SERVICES_CAP} элементов."), metadata={"description": "e.g. "
                                                                                             "[\"Электроэнергия\"]"})


class BankOut(Schema):
    bank_name = fields.String()
    bic = fields.String()
    settlement_account = fields.String()
    correspondent_account = fields.String()


class ReadingsWindowOut(Schema):
    from_day = fields.Integer()
    to_day = fields.Integer()
    outside = fields.String(metadata={"description": "refuse | next_period"})


class SupplierOut(Schema):
    supplier_id = fields.String()
    name = fields.String()
    inn = fields.String()
    kpp = OrNone(allow_none=True, metadata={"description": "null for a supplier entered before КПП was asked"})
    bank = fields.Nested(BankOut)
    sms_code = fields.String()
    timezone = fields.String()
    readings_window = fields.Nested(ReadingsWindowOut)
    payment_due_day = fields.Integer()
    services = fields.List(fields.String())


class SupplierListOut(Schema):
    suppliers = fields.List(fields.Nested(SupplierOut))


@bp.get("/suppliers")
@operation("Поставщики", tag="staff", response=SupplierListOut, errors=(403,),
           description="By name. Role operator or admin.")
@login_required
def list_suppliers():
    return dump(SupplierListOut, accounts().call("StaffListSuppliers", pb.StaffListSuppliersRequest()))


@bp.post("/suppliers")
@operation("Завести поставщика", tag="staff", body=SupplierIn, response=SupplierOut, status=201,
           errors=(403, 409, 422),
           description="Role admin. Every field is required but timezone. 422 with every bad field at once "
                       "(codes invalid_inn, invalid_kpp, invalid_bank_details, invalid_sms_code, invalid_timezone, "
                       "invalid_readings_window, invalid_payment_due_day, invalid_services, "
                       "invalid_supplier_name; several: invalid_input); 409 sms_code_taken. Audited; announced "
                       "to the other services.")
@login_required
def create_supplier():
    data = body(SupplierIn)
    reply = accounts().call("StaffCreateSupplier", pb.StaffCreateSupplierRequest(supplier=pb.Supplier(**data)))
    return dump(SupplierOut, reply), 201


@bp.get("/suppliers/<supplier_id>")
@operation("Поставщик", tag="staff", response=SupplierOut, errors=(403, 404),
           description="Role operator or admin.")
@login_required
def get_supplier(supplier_id: str):
    return dump(SupplierOut, accounts().call("StaffGetSupplier", pb.StaffGetSupplierRequest(
        supplier_id=path_id(supplier_id))))


@bp.patch("/suppliers/<supplier_id>")
@operation("Изменить поставщика", tag="staff", body=SupplierIn, response=SupplierOut, errors=(403, 404, 409, 422),
           description="Role admin. Only the fields present change, inside bank and readings_window too; the "
                       "checks and codes of creation (a new BIC is checked with the accounts kept, and the other "
                       "way round); nothing given: 422 nothing_to_change. Audited with before and after.")
@login_required
def update_supplier(supplier_id: str):
    data = body(SupplierIn, optional=True)
    reply = accounts().call("StaffUpdateSupplier", pb.StaffUpdateSupplierRequest(
        supplier_id=path_id(supplier_id), supplier=pb.Supplier(**data), update_mask=FieldMask(paths=named(data))))
    return dump(SupplierOut, reply)


def named(data: dict) -> list[str]:
    """The field mask of a change: the fields present, those inside bank and readings_window one by one."""
    paths: list[str] = []
    for name, value in data.items():
        paths += [f"{name}.{leaf}" for leaf in value] if name in GROUPS else [name]
    return paths
