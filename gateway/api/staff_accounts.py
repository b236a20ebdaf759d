"""Staff tools over accounts (/staff/v1): search, view with bindings, meter corrections, activation codes,
service requests, the audit log, registry import. accounts checks the role, every rule, and audits every call."""

from __future__ import annotations

import kabinet_vocabulary as vocab
from flask import Blueprint, current_app, request
from kabinet.accounts.v1 import accounts_pb2 as pb
from kabinet.payments.v1 import payments_pb2 as payments_pb
from kabinet.readings.v1 import readings_pb2 as readings_pb
from marshmallow import Schema, fields, pre_dump, validate

from gateway.openapi import operation, query_params
from gateway.schema import (
    SHORT,
    TEXT,
    JsonText,
    StrictSchema,
    body,
    dump,
    field,
    one_of,
    path_id,
    query,
    text,
)
from gateway.security import login_required
from gateway.services import accounts, payments, readings
from gateway.shapes import AccountFactsOut, MeterOut, ServiceRequestOut
from kit.errors import InvalidInput

bp = Blueprint("staff_accounts", __name__, url_prefix="/staff/v1")
# Which service imports which file of the registry (docs/registry-format.md), in the order they are called:
# accounts first (the others resolve account and contract numbers through it), then payments, then readings.
# payments.csv goes to accounts (proof of a customer's binding) and to payments (the ledger).
REGISTRY_PARTS = (("accounts", ("accounts", "meters", "payments", "contracts")),
                  ("payments", ("balances", "payments", "tariffs", "contract_documents")),
                  ("readings", ("readings",)))
REGISTRY_FILES = ("accounts", "meters", "payments", "contracts", "balances", "tariffs", "readings",
                  "contract_documents")
IMPORT_TIMEOUT = 300.0  # one transaction over the whole registry (about 3 s per 10,000 accounts)


def page(default: int, most: int):
    return field(fields.Integer, load_default=default, validate=validate.Range(
        min=1, max=most, error=f"Допустимо от 1 до {most}."))


class StaffSearchIn(StrictSchema):
    number = text()
    address = text()
    holder = text()
    meter_number = text()
    user_id = text(SHORT)
    phone = text(SHORT)
    limit = page(50, 200)


class BindingOut(Schema):
    user_id = fields.String()
    bound_at = fields.String()
    alias = fields.String()


class StaffAccountOut(AccountFactsOut):
    """The account's facts (no cabinet's alias or group) and the cabinets it is bound to."""

    bindings = fields.List(fields.Nested(BindingOut))

    @pre_dump
    def flatten(self, x, **_):
        return _WithBindings(x)


class _WithBindings:
    """A StaffAccount read as one flat object: the account's fields plus its bindings."""

    def __init__(self, x) -> None:
        self._x = x

    def __getattr__(self, name: str):
        return self._x.bindings if name == "bindings" else getattr(self._x.account, name)


class StaffAccountListOut(Schema):
    accounts = fields.List(fields.Nested(StaffAccountOut))


class MeterCorrectionIn(StrictSchema):
    number = text()
    model = text()
    zones = field(fields.Integer, strict=True)
    digits = field(fields.Integer, strict=True)
    ratio = text(SHORT, metadata={"description": "КТ, a decimal with a point or a comma"})
    verification_due = text(SHORT, metadata={"description": "YYYY-MM-DD; \"\" clears it"})
    reason = text(TEXT, required=True, metadata={"description": "goes to the audit log"})


class ActivationCodeOut(Schema):
    account_id = fields.String()
    code = fields.String(metadata={"description": "shown once; single use"})
    expires_at = fields.String()


class StaffRequestListIn(StrictSchema):
    status = one_of(vocab.SERVICE_REQUEST_STATUS)
    type = one_of(vocab.SERVICE_REQUEST_TYPE)
    account_id = text(SHORT)
    limit = page(100, 500)


class StaffRequestUpdateIn(StrictSchema):
    status = one_of(vocab.SERVICE_REQUEST_STATUS, required=True)
    comment = text(TEXT, load_default="")


class StaffServiceRequestOut(ServiceRequestOut):
    user_id = fields.String(metadata={"description": "the cabinet that filed it"})


class StaffServiceRequestListOut(Schema):
    requests = fields.List(fields.Nested(StaffServiceRequestOut))


class AuditListIn(StrictSchema):
    entity = text(SHORT)
    entity_id = text(SHORT)
    actor_id = text(SHORT)
    limit = page(100, 1000)


class AuditEntryOut(Schema):
    id = fields.Integer()
    at = fields.String()
    actor_id = fields.String()
    action = fields.String()
    entity = fields.String()
    entity_id = fields.String()
    before = JsonText(attribute="before_json", allow_none=True)
    after = JsonText(attribute="after_json", allow_none=True)


class AuditListOut(Schema):
    entries = fields.List(fields.Nested(AuditEntryOut))


class RejectedRowOut(Schema):
    line = fields.Integer()
    reason = fields.String()


class FileReportOut(Schema):
    kind = fields.String(metadata={"description": "accounts | meters | payments | contracts | balances | tariffs | "
                                                  "contract_documents | readings"})
    service = fields.String(metadata={"description": "accounts | payments | readings: which service imported the "
                                                     "file (payments.csv is imported by two)"})
    rows = fields.Integer()
    inserted = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    closed = fields.Integer(metadata={"description": "meters closed because the file no longer lists them"})
    rejected = fields.List(fields.Nested(RejectedRowOut))


class RegistryReportOut(Schema):
    files = fields.List(fields.Nested(FileReportOut))
    changed_accounts = fields.Integer(metadata={"description": "accounts whose facts the accounts part changed"})



@bp.get("/accounts")
@operation("Поиск лицевых счетов", tag="staff", response=StaffAccountListOut, errors=(403, 422),
           params=query_params("number", "address", "holder", "meter_number", "user_id", "phone", "limit"),
           description="Every filter given must match; address and holder are substrings. phone is not supported "
                       "yet (auth offers no staff lookup of a user by phone): 422 with a field error; search by "
                       "user_id instead.")
@login_required
def search_accounts():
    data = query(StaffSearchIn)
    if data.get("phone"):
        raise InvalidInput("Поиск по телефону пока недоступен: найдите абонента по номеру счёта, адресу или ФИО.",
                           code="phone_search_unavailable",
                           fields={"phone": "Поиск по телефону пока недоступен."})
    reply = accounts().call("StaffSearchAccounts", pb.StaffSearchAccountsRequest(
        number=data.get("number", ""), address=data.get("address", ""), holder=data.get("holder", ""),
        meter_number=data.get("meter_number", ""), user_id=data.get("user_id", ""), limit=data["limit"]))
    return dump(StaffAccountListOut, reply)


@bp.get("/accounts/<account_id>")
@operation("Лицевой счёт и его привязки", tag="staff", response=StaffAccountOut, errors=(403, 404))
@login_required
def get_account(account_id: str):
    return dump(StaffAccountOut, accounts().call("StaffGetAccount", pb.StaffGetAccountRequest(
        account_id=path_id(account_id))))


@bp.patch("/meters/<meter_id>")
@operation("Исправить данные счётчика", tag="staff", body=MeterCorrectionIn, response=MeterOut,
           errors=(403, 404, 422),
           description="Only the fields present change; reason is required and audited. The billing system stays "
                       "the master: the next registry import listing the account brings its values back.")
@login_required
def correct_meter(meter_id: str):
    data = body(MeterCorrectionIn)
    reply = accounts().call("StaffCorrectMeter", pb.StaffCorrectMeterRequest(meter_id=path_id(meter_id), **data))
    return dump(MeterOut, reply)


@bp.post("/accounts/<account_id>/activation-code")
@operation("Выдать код активации", tag="staff", response=ActivationCodeOut, status=201, errors=(403, 404),
           description="Valid 30 days, single use; an earlier unused code of the account stops working. The code "
                       "is shown only in this reply.")
@login_required
def issue_activation_code(account_id: str):
    return dump(ActivationCodeOut, accounts().call("StaffIssueActivationCode", pb.StaffIssueActivationCodeRequest(
        account_id=path_id(account_id)))), 201


@bp.get("/service-requests")
@operation("Заявки и сообщения об ошибках в данных счётчиков", tag="staff", response=StaffServiceRequestListOut,
           params=query_params("status", "type", "account_id", "limit"), errors=(403, 422),
           description="Oldest first; type=meter_data for the meter-data error reports.")
@login_required
def list_requests():
    data = query(StaffRequestListIn)
    return dump(StaffServiceRequestListOut, accounts().call("StaffListServiceRequests",
                                                            pb.StaffListServiceRequestsRequest(
        status=data.get("status", ""), type=data.get("type", ""), account_id=data.get("account_id", ""),
        limit=data["limit"])))


@bp.get("/service-requests/<request_id>")
@operation("Заявка с историей", tag="staff", response=StaffServiceRequestOut, errors=(403, 404))
@login_required
def get_request(request_id: str):
    return dump(StaffServiceRequestOut, accounts().call("StaffGetServiceRequest", pb.GetServiceRequestRequest(
        request_id=path_id(request_id))))


@bp.patch("/service-requests/<request_id>")
@operation("Сменить статус заявки", tag="staff", body=StaffRequestUpdateIn, response=StaffServiceRequestOut,
           errors=(403, 404, 409, 422),
           description="new → accepted → in_progress → done, or cancelled before done (409 request_status "
                       "otherwise); the comment goes to the history the customer sees.")
@login_required
def update_request(request_id: str):
    data = body(StaffRequestUpdateIn)
    return dump(StaffServiceRequestOut, accounts().call("StaffUpdateServiceRequest",
                                                        pb.StaffUpdateServiceRequestRequest(
        request_id=path_id(request_id), status=data["status"], comment=data["comment"])))


@bp.get("/audit")
@operation("Журнал действий сотрудников", tag="staff", response=AuditListOut,
           params=query_params("entity", "entity_id", "actor_id", "limit"), errors=(403, 422),
           description="Newest first; role admin only.")
@login_required
def audit():
    data = query(AuditListIn)
    return dump(AuditListOut, accounts().call("StaffListAudit", pb.StaffListAuditRequest(
        entity=data.get("entity", ""), entity_id=data.get("entity_id", ""), actor_id=data.get("actor_id", ""),
        limit=data["limit"]), idempotent=True))


@bp.post("/registry")
@operation("Загрузить реестр из биллинга (CSV)", tag="staff", response=RegistryReportOut, errors=(403, 413, 422),
           files=REGISTRY_FILES,
           description="multipart/form-data with any of the registry's files (docs/registry-format.md): accounts, "
                       "meters, payments, contracts (accounts), balances, payments, tariffs, contract_documents "
                       "(payments: opening balances and debts, payments into the ledger, tariffs, legal entities' "
                       "documents), readings (readings: each meter's last reading). accounts imports its files first "
                       "(the other services resolve account numbers through it), then payments, then readings; each "
                       "service's part is one transaction. Bad rows are reported with line and reason, good rows "
                       "imported; one combined report, a file per service that imported it. Re-importing the same "
                       "files changes nothing, so a re-upload is the retry: when a later part fails (its error is "
                       "the reply: 422 registry_header, 503 …) the parts before it stay imported and report "
                       "unchanged the next time. Role admin only. This route alone accepts bodies up to "
                       "KABINET_REGISTRY_MAX_BYTES (30 MB by default).")
@login_required
def import_registry():
    # before the body is read: this route alone takes big bodies; the form memory cap is raised too because
    # werkzeug applies it to the multipart parser's buffer, which outgrows 64 KB on large file parts
    request.max_content_length = current_app.config["KABINET"].registry_max_bytes
    request.max_form_memory_size = 1024 * 1024
    unknown = sorted(set(request.files) - set(REGISTRY_FILES))
    if unknown or request.form:
        raise InvalidInput(fields={name: "Неизвестный файл реестра." for name in unknown or request.form})
    files = {name: request.files[name].read() for name in REGISTRY_FILES if name in request.files}
    if not files:
        raise InvalidInput("Приложите хотя бы один файл реестра: " + ", ".join(REGISTRY_FILES) + ".",
                           code="registry_empty")
    report: dict = {"files": [], "changed_accounts": 0}
    for service, names in REGISTRY_PARTS:
        part = {name: files[name] for name in names if name in files}
        if not part:
            continue
        files_done, changed = _import_part(service, part)
        report["files"] += [_file_report(f, service) for f in files_done]
        report["changed_accounts"] += changed
    return dump(RegistryReportOut, report)


def _import_part(service: str, part: dict[str, bytes]) -> tuple[list, int]:
    """One service's files, in its own transaction: its file reports and the accounts it changed; its error
    (problem) is the route's."""
    if service == "accounts":
        reply = accounts().call("ImportRegistry", pb.ImportRegistryRequest(**part), timeout=IMPORT_TIMEOUT)
        return list(reply.files), reply.changed_accounts
    if service == "payments":
        reply = payments().call("ImportRegistry", payments_pb.ImportRegistryRequest(**part), timeout=IMPORT_TIMEOUT)
        return list(reply.files), 0
    reply = readings().call("StaffImportReadings", readings_pb.StaffImportReadingsRequest(**part),
                            timeout=IMPORT_TIMEOUT)
    return [reply.file], 0


def _file_report(f, service: str) -> dict:
    return {"kind": f.kind, "service": service, "rows": f.rows, "inserted": f.inserted, "updated": f.updated,
            "unchanged": f.unchanged, "closed": f.closed,
            "rejected": [{"line": r.line, "reason": r.reason} for r in f.rejected]}
