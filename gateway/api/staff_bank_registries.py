"""Staff: banks' daily registries — upload one for a bank, list them, the reconciliation report (сверка) and its
.xlsx export (payments checks the role, every rule, and audits every call)."""

from __future__ import annotations

from flask import Blueprint
from kabinet.payments.v1 import payments_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.openapi import operation, query_params
from gateway.schema import SHORT, XLSX, StrictSchema, attachment, dump, field, path_id, query, text
from gateway.security import login_required
from gateway.services import payments
from gateway.shapes import BankRegistryOut, bank_registry_file

bp = Blueprint("staff_bank_registries", __name__, url_prefix="/staff/v1")

REGISTRY_TIMEOUT = 300.0  # one transaction over the whole file
INT32 = validate.Range(min=-(2**31), max=2**31 - 1, error="Слишком большое число.")  # a size cap, not a rule
OUTCOMES = ["matched", "missing_in_ledger", "missing_in_registry", "amount_mismatch"]



class UploadIn(StrictSchema):
    supplier_id = text(SHORT, metadata={"description": "the supplier whose payments the file lists"})
    partner_id = text(SHORT, metadata={"description": "the bank (partner) whose registry it is"})


class ListIn(StrictSchema):
    partner_id = text(SHORT)
    supplier_id = text(SHORT)
    registry_date = text(SHORT, metadata={"description": "YYYY-MM-DD"})
    limit = field(fields.Integer, load_default=50, validate=INT32)


class ReportIn(StrictSchema):
    outcome = text(SHORT, metadata={"enum": OUTCOMES})
    limit = field(fields.Integer, load_default=1000, validate=INT32)


class RegistryListOut(Schema):
    registries = fields.List(fields.Nested(BankRegistryOut))


class LineOut(Schema):
    outcome = fields.String(metadata={"enum": OUTCOMES})
    line = fields.Integer(metadata={"description": "the row's line in the file; 0 for missing_in_registry"})
    txn_id = fields.String()
    account_number = fields.String()
    registry_kop = fields.Integer(metadata={"description": "the file's amount"})
    ledger_kop = fields.Integer(metadata={"description": "the bank's payment's amount, 0 when there is none"})
    paid_on = fields.String(metadata={"description": "YYYY-MM-DD"})
    action = fields.String(metadata={"description": "posted, listed, \"\" (matched)"})
    note = fields.String()


class ReconciliationOut(Schema):
    registry = fields.Nested(BankRegistryOut)
    lines = fields.List(fields.Nested(LineOut))
    truncated = fields.Boolean()


@bp.post("/bank-registries")
@operation("Загрузить реестр платежей банка", tag="staff", response=BankRegistryOut, files=("registry",),
           errors=(403, 413), params=query_params("supplier_id", "partner_id"),
           description="A bank's daily registry (docs/bank-registry-format.md) as the multipart part `registry`, "
                       "for the bank `partner_id` and the supplier `supplier_id`; reconciled at once, as when the "
                       "bank posts it (POST /partners/v1/registries); the same file again returns the first result. "
                       "422 registry_header, registry_totals, registry_rows, invalid_input. Role admin.")
@login_required
def upload():
    content = bank_registry_file()
    data = query(UploadIn)
    return dump(BankRegistryOut, payments().call("ImportBankRegistry", pb.ImportBankRegistryRequest(
        content=content, supplier_id=data.get("supplier_id", ""), partner_id=data.get("partner_id", "")),
        timeout=REGISTRY_TIMEOUT, idempotent=True))


@bp.get("/bank-registries")
@operation("Реестры платежей банков", tag="staff", response=RegistryListOut, errors=(403,),
           params=query_params("partner_id", "supplier_id", "registry_date", "limit"),
           description="Newest first (at most 200), with each one's reconciliation counts. Role operator or admin.")
@login_required
def list_registries():
    data = query(ListIn)
    return dump(RegistryListOut, payments().call("StaffListBankRegistries", pb.StaffListBankRegistriesRequest(
        partner_id=data.get("partner_id", ""), supplier_id=data.get("supplier_id", ""),
        registry_date=data.get("registry_date", ""), limit=data["limit"]), idempotent=True))


@bp.get("/bank-registries/<registry_id>")
@operation("Сверка с реестром банка", tag="staff", response=ReconciliationOut, errors=(403, 404),
           params=query_params("outcome", "limit"),
           description="The registry and its reconciliation's lines: of one outcome (matched, missing_in_ledger, "
                       "missing_in_registry, amount_mismatch) or, without one, every exception; at most `limit` "
                       "(1000 by default, 5000 at most; truncated: true when there are more). 404 "
                       "bank_registry_not_found. Role operator or admin.")
@login_required
def reconciliation(registry_id: str):
    data = query(ReportIn)
    return dump(ReconciliationOut, payments().call("StaffGetReconciliation", pb.StaffGetReconciliationRequest(
        registry_id=path_id(registry_id), outcome=data.get("outcome", ""), limit=data["limit"]), idempotent=True))


@bp.get("/bank-registries/<registry_id>/reconciliation.xlsx")
@operation("Сверка с реестром банка в Excel", tag="staff", errors=(403, 404), produces=XLSX,
           description="The whole reconciliation report as an .xlsx workbook: a summary sheet and a sheet per "
                       "outcome. 404 bank_registry_not_found. Role operator or admin.")
@login_required
def reconciliation_xlsx(registry_id: str):
    reply = payments().call("StaffExportReconciliation", pb.StaffExportReconciliationRequest(
        registry_id=path_id(registry_id)), timeout=REGISTRY_TIMEOUT, idempotent=True)
    return attachment(reply, XLSX, "sverka.xlsx")
