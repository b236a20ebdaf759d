"""Partners and their keys as staff manage them (/staff/v1/partners: create, list, rotate a key, revoke a key,
disable, audit); auth checks the role (operator reads, admin writes), every value, and audits every call."""

from __future__ import annotations

from flask import Blueprint
from kabinet.auth.v1 import auth_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.openapi import operation
from gateway.schema import SHORT, JsonText, OrNone, StrictSchema, body, dump, field, path_id, query, text
from gateway.security import login_required
from gateway.services import auth

bp = Blueprint("staff_partners", __name__, url_prefix="/staff/v1")
KIND = "auth's closed list: payment_agent | bank | sms_gateway | metering"


class PartnerIn(StrictSchema):
    name = text(required=True, metadata={"description": "1–200 characters"})
    kind = text(SHORT, required=True, metadata={"description": KIND})
    supplier_id = text(SHORT, metadata={"description": "optional: the only supplier the partner may act for"})


class RotateIn(StrictSchema):
    overlap_hours = field(fields.Integer, strict=True, validate=validate.Range(
        min=-(2**31), max=2**31 - 1, error="Слишком большое число."),
        metadata={"description": "how long the older keys keep working: 0–168, default 24"})


class PartnerChangeIn(StrictSchema):
    active = field(fields.Boolean, required=True, metadata={"description": "false disables every key at once"})


class AuditIn(StrictSchema):
    limit = field(fields.Integer, load_default=100, validate=validate.Range(
        min=1, max=1000, error="Допустимо от 1 до 1000."))


class PartnerKeyOut(Schema):
    key_id = fields.String(metadata={"description": "public: sent in X-Kabinet-Key"})
    created_at = fields.String()
    expires_at = OrNone(allow_none=True, metadata={"description": "null while it does not expire"})
    revoked_at = OrNone(allow_none=True)
    usable = fields.Boolean()


class PartnerOut(Schema):
    partner_id = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"description": KIND})
    supplier_id = OrNone(allow_none=True, metadata={"description": "null: any supplier"})
    active = fields.Boolean()
    created_at = fields.String()
    keys = fields.List(fields.Nested(PartnerKeyOut), metadata={"description": "newest first; never a secret"})


class PartnerListOut(Schema):
    partners = fields.List(fields.Nested(PartnerOut))


class NewKeyOut(Schema):
    partner = fields.Nested(PartnerOut)
    key_id = fields.String()
    secret = fields.String(metadata={"description": "shown once: give it to the partner over a safe channel"})


class PartnerAuditEntryOut(Schema):
    id = fields.Integer()
    at = fields.String()
    actor_id = fields.String()
    action = fields.String(metadata={"description": "partner.created | partner.listed | partner.key_rotated | "
                                                    "partner.key_revoked | partner.disabled | partner.enabled"})
    partner_id = fields.String(attribute="entity_id", metadata={"description": "empty for partner.listed"})
    after = JsonText(attribute="after_json", allow_none=True)


class PartnerAuditOut(Schema):
    entries = fields.List(fields.Nested(PartnerAuditEntryOut))


@bp.get("/partners")
@operation("Партнёры", tag="staff", response=PartnerListOut, errors=(403,),
           description="By name, with their keys. Role operator or admin; audited.")
@login_required
def list_partners():
    return dump(PartnerListOut, auth().call("StaffListPartners", pb.StaffListPartnersRequest()))


@bp.post("/partners")
@operation("Завести партнёра", tag="staff", body=PartnerIn, response=NewKeyOut, status=201, errors=(403, 422),
           description="A partner with its first key; the secret is in this answer only. Role admin; audited. "
                       "422 invalid_partner_name, invalid_partner_kind, invalid_supplier_id (several: "
                       "invalid_input).")
@login_required
def create_partner():
    data = body(PartnerIn)
    reply = auth().call("StaffCreatePartner", pb.StaffCreatePartnerRequest(
        name=data["name"], kind=data["kind"], supplier_id=data.get("supplier_id", "")))
    return dump(NewKeyOut, reply), 201


@bp.post("/partners/<partner_id>/keys")
@operation("Новый ключ партнёра (ротация)", tag="staff", body=RotateIn, response=NewKeyOut, status=201,
           errors=(403, 404, 422),
           description="A new key; the secret is in this answer only. The partner's older keys keep working for "
                       "overlap_hours (default 24; 0 stops them now), then expire. Role admin; audited. 422 "
                       "invalid_overlap.")
@login_required
def rotate_key(partner_id: str):
    data = body(RotateIn, optional=True)
    request = pb.StaffRotatePartnerKeyRequest(partner_id=path_id(partner_id))
    if "overlap_hours" in data:
        request.overlap_hours = data["overlap_hours"]
    return dump(NewKeyOut, auth().call("StaffRotatePartnerKey", request)), 201


@bp.delete("/partners/<partner_id>/keys/<key_id>")
@operation("Отозвать ключ партнёра", tag="staff", response=PartnerOut, errors=(403, 404),
           description="The key stops working at once. Role admin; audited. 404 partner_not_found, "
                       "partner_key_not_found.")
@login_required
def revoke_key(partner_id: str, key_id: str):
    return dump(PartnerOut, auth().call("StaffRevokePartnerKey", pb.StaffRevokePartnerKeyRequest(
        partner_id=path_id(partner_id), key_id=path_id(key_id))))


@bp.patch("/partners/<partner_id>")
@operation("Отключить или включить партнёра", tag="staff", body=PartnerChangeIn, response=PartnerOut,
           errors=(403, 404, 422), description="While disabled none of its keys works. Role admin; audited.")
@login_required
def change_partner(partner_id: str):
    data = body(PartnerChangeIn)
    return dump(PartnerOut, auth().call("StaffSetPartnerActive", pb.StaffSetPartnerActiveRequest(
        partner_id=path_id(partner_id), active=data["active"])))


@bp.get("/partners/<partner_id>/audit")
@operation("Журнал действий с партнёром", tag="staff", response=PartnerAuditOut, errors=(403, 422),
           params=({"name": "limit", "in": "query", "required": False, "schema": {"type": "integer"}},),
           description="Newest first. Role admin.")
@login_required
def partner_audit(partner_id: str):
    data = query(AuditIn)
    return dump(PartnerAuditOut, auth().call("StaffListPartnerAudit", pb.StaffListPartnerAuditRequest(
        partner_id=path_id(partner_id), limit=data["limit"]), idempotent=True))
