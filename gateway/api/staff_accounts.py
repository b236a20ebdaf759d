"""Staff tools over accounts (/staff/v1): search, view with bindings, meter corrections, activation codes,
service requests, the audit log, registry import. accounts checks the role and audits every call."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from kabinet.accounts.v1 import accounts_pb2 as pb

from gateway import present
from gateway import schemas as s
from gateway.api.accounts import accounts, path_id
from gateway.openapi import operation
from gateway.security import login_required
from kit.errors import InvalidInput

bp = Blueprint("staff_accounts", __name__, url_prefix="/staff/v1")
REGISTRY_FILES = ("accounts", "meters", "payments", "contracts")
IMPORT_TIMEOUT = 300.0  # one transaction over the whole registry (about 3 s per 10,000 accounts)


def _query(*names: str) -> tuple[dict, ...]:
    return tuple({"name": n, "in": "query", "required": False, "schema": {"type": "string"}} for n in names)


@bp.get("/accounts")
@operation("Поиск лицевых счетов", tag="staff", response=s.StaffAccountListOut, errors=(403, 422),
           params=_query("number", "address", "holder", "meter_number", "user_id", "phone", "limit"),
           description="Every filter given must match; address and holder are substrings. phone is not supported "
                       "yet (auth offers no staff lookup of a user by phone): 422 with a field error; search by "
                       "user_id instead.")
@login_required
def search_accounts():
    data = s.load(s.StaffSearchIn, request.args.to_dict())
    if data.get("phone"):
        raise InvalidInput("Поиск по телефону пока недоступен: найдите абонента по номеру счёта, адресу или ФИО.",
                           code="phone_search_unavailable",
                           fields={"phone": "Поиск по телефону пока недоступен."})
    reply = accounts().call("StaffSearchAccounts", pb.StaffSearchAccountsRequest(
        number=data.get("number", ""), address=data.get("address", ""), holder=data.get("holder", ""),
        meter_number=data.get("meter_number", ""), user_id=str(data.get("user_id") or ""), limit=data["limit"]))
    return {"accounts": [present.staff_account(x) for x in reply.accounts]}


@bp.get("/accounts/<account_id>")
@operation("Лицевой счёт и его привязки", tag="staff", response=s.StaffAccountOut, errors=(403, 404))
@login_required
def get_account(account_id: str):
    return present.staff_account(accounts().call("StaffGetAccount", pb.StaffGetAccountRequest(
        account_id=path_id(account_id))))


@bp.patch("/meters/<meter_id>")
@operation("Исправить данные счётчика", tag="staff", body=s.MeterCorrectionIn, response=s.MeterOut,
           errors=(403, 404, 422),
           description="Only the fields present change; reason is required and audited. The billing system stays "
                       "the master: the next registry import listing the account brings its values back.")
@login_required
def correct_meter(meter_id: str):
    data = s.load(s.MeterCorrectionIn, request.get_json(silent=True))
    reason = data.pop("reason")
    if "ratio" in data:
        data["ratio"] = data["ratio"].replace(",", ".")
    if not data:
        raise InvalidInput(fields={"_": "Укажите, что исправить."})
    reply = accounts().call("StaffCorrectMeter", pb.StaffCorrectMeterRequest(
        meter_id=path_id(meter_id), reason=reason, **data))
    return present.meter(reply)


@bp.post("/accounts/<account_id>/activation-code")
@operation("Выдать код активации", tag="staff", response=s.ActivationCodeOut, status=201, errors=(403, 404),
           description="Valid 30 days, single use; an earlier unused code of the account stops working. The code "
                       "is shown only in this reply.")
@login_required
def issue_activation_code(account_id: str):
    reply = accounts().call("StaffIssueActivationCode", pb.StaffIssueActivationCodeRequest(
        account_id=path_id(account_id)))
    return {"account_id": reply.account_id, "code": reply.code, "expires_at": reply.expires_at}, 201


@bp.get("/service-requests")
@operation("Заявки и сообщения об ошибках в данных счётчиков", tag="staff", response=s.StaffServiceRequestListOut,
           params=_query("status", "type", "account_id", "limit"), errors=(403, 422),
           description="Oldest first; type=meter_data for the meter-data error reports.")
@login_required
def list_requests():
    data = s.load(s.StaffRequestListIn, request.args.to_dict())
    reply = accounts().call("StaffListServiceRequests", pb.StaffListServiceRequestsRequest(
        status=data.get("status", ""), type=data.get("type", ""), account_id=str(data.get("account_id") or ""),
        limit=data["limit"]))
    return {"requests": [present.service_request(r, staff=True) for r in reply.requests]}


@bp.get("/service-requests/<request_id>")
@operation("Заявка с историей", tag="staff", response=s.StaffServiceRequestOut, errors=(403, 404))
@login_required
def get_request(request_id: str):
    return present.service_request(accounts().call("StaffGetServiceRequest", pb.GetServiceRequestRequest(
        request_id=path_id(request_id))), staff=True)


@bp.patch("/service-requests/<request_id>")
@operation("Сменить статус заявки", tag="staff", body=s.StaffRequestUpdateIn, response=s.StaffServiceRequestOut,
           errors=(403, 404, 409, 422),
           description="new → accepted → in_progress → done, or cancelled before done (409 request_status "
                       "otherwise); the comment goes to the history the customer sees.")
@login_required
def update_request(request_id: str):
    data = s.load(s.StaffRequestUpdateIn, request.get_json(silent=True))
    reply = accounts().call("StaffUpdateServiceRequest", pb.StaffUpdateServiceRequestRequest(
        request_id=path_id(request_id), status=data["status"], comment=data["comment"]))
    return present.service_request(reply, staff=True)


@bp.get("/audit")
@operation("Журнал действий сотрудников", tag="staff", response=s.AuditListOut,
           params=_query("entity", "entity_id", "actor_id", "limit"), errors=(403, 422),
           description="Newest first; role admin only.")
@login_required
def audit():
    data = s.load(s.AuditListIn, request.args.to_dict())
    reply = accounts().call("StaffListAudit", pb.StaffListAuditRequest(
        entity=data.get("entity", ""), entity_id=data.get("entity_id", ""), actor_id=data.get("actor_id", ""),
        limit=data["limit"]), idempotent=True)
    return {"entries": [present.audit_entry(e) for e in reply.entries]}


@bp.post("/registry")
@operation("Загрузить реестр из биллинга (CSV)", tag="staff", response=s.RegistryReportOut, errors=(403, 413, 422),
           files=REGISTRY_FILES,
           description="multipart/form-data with up to four files: accounts, meters, payments, contracts "
                       "(docs/registry-format.md). One transaction; bad rows are reported with line and reason, "
                       "good rows imported; re-importing the same files changes nothing. Role admin only. This "
                       "route alone accepts bodies up to KABINET_REGISTRY_MAX_BYTES (30 MB by default).")
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
        raise InvalidInput("Приложите хотя бы один файл реестра: accounts, meters, payments или contracts.",
                           code="registry_empty")
    reply = accounts().call("ImportRegistry", pb.ImportRegistryRequest(**files), timeout=IMPORT_TIMEOUT)
    return present.registry_report(reply)
