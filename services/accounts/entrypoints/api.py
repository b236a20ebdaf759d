"""The accounts gRPC API: unpack the request, check who calls, call one use case, pack the reply."""

from __future__ import annotations

import datetime as dt
import json

from kabinet.accounts.v1 import accounts_pb2 as pb
from kabinet.accounts.v1 import accounts_pb2_grpc as pb_grpc

from kit.context import Caller, require_caller
from kit.errors import Forbidden, InvalidInput
from services.accounts.adapters import xlsx
from services.accounts.domain.contracts import LINK_TTL, export_rows
from services.accounts.domain.requests import METER_DATA, customer_type
from services.accounts.service_layer import contracts, handlers, requests, staff
from services.accounts.service_layer.messages import contract_pb, group_pb, request_pb, to_pb, ts

STAFF_ROLES = {"operator", "admin"}


def customer() -> Caller:
    """A signed-in customer (person or organization) past onboarding."""
    user = require_caller()
    if user.kind == "staff":
        raise Forbidden("Это действие доступно только абонентам.", code="customer_only")
    if user.onboarding_required:
        raise Forbidden("Сначала заполните профиль («Давайте познакомимся»).", code="onboarding_required")
    return user


def staff_member(*roles: str) -> Caller:
    """A signed-in staff member with one of `roles` (operator or admin by default)."""
    user = require_caller()
    if user.kind != "staff" or not set(user.roles) & set(roles or STAFF_ROLES):
        raise Forbidden("Недостаточно прав для этого действия.", code="staff_only")
    return user


def _time(value: str, field: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidInput(fields={field: "Укажите время в формате RFC 3339 с часовым поясом."})
    return parsed


def _present(msg, name: str):
    return getattr(msg, name) if msg.HasField(name) else None


class AccountsServicer(pb_grpc.AccountsServicer):
    def __init__(self, uow_factory) -> None:
        self.uow = uow_factory

    # ---- customer: accounts ----

    def BindAccount(self, request, context):
        user = customer()
        proof = request.WhichOneof("proof")
        kwargs: dict = {}
        if proof == "last_payment":
            try:
                kwargs["paid_on"] = dt.date.fromisoformat(request.last_payment.date)
            except ValueError:
                raise InvalidInput(fields={"last_payment.date": "Укажите дату в формате ГГГГ-ММ-ДД."}) from None
            kwargs["amount_kop"] = request.last_payment.amount_kop
        elif proof == "meter_number":
            kwargs["meter_number"] = request.meter_number
        elif proof == "activation_code":
            kwargs["activation_code"] = request.activation_code
        else:
            raise InvalidInput("Подтвердите счёт датой и суммой последней оплаты, номером счётчика "
                               "или кодом активации.", code="proof_required")
        card = handlers.bind_account(self.uow(), user_id=user.user_id, number=request.number,
                                     supplier_id=request.supplier_id or None, alias=request.alias,
                                     group_id=request.group_id, **kwargs)
        return to_pb(card)

    def ListMyAccounts(self, request, context):
        user = customer()
        return pb.ListMyAccountsReply(accounts=[to_pb(c) for c in handlers.my_accounts(self.uow(), user.user_id)])

    def GetAccount(self, request, context):
        return to_pb(handlers.account_for(self.uow(), customer().user_id, request.account_id))

    def UpdateAccount(self, request, context):
        card = handlers.update_account(
            self.uow(), user_id=customer().user_id, account_id=request.account_id,
            alias=_present(request, "alias"), group_id=_present(request, "group_id"),
            bill_delivery=_present(request, "bill_delivery"))
        return to_pb(card)

    def UnbindAccount(self, request, context):
        handlers.unbind_account(self.uow(), user_id=customer().user_id, account_id=request.account_id)
        return pb.UnbindAccountReply()

    def CheckAccess(self, request, context):
        # Other services forward the customer's token; the rule is the same as GetAccount's.
        card = handlers.account_for(self.uow(), require_caller().user_id, request.account_id)
        return pb.CheckAccessReply(account=to_pb(card))

    # ---- customer: groups ----

    def ListGroups(self, request, context):
        return pb.ListGroupsReply(groups=[group_pb(g) for g in handlers.list_groups(self.uow(), customer().user_id)])

    def CreateGroup(self, request, context):
        return group_pb(handlers.create_group(self.uow(), user_id=customer().user_id, name=request.name))

    def RenameGroup(self, request, context):
        return group_pb(handlers.rename_group(self.uow(), user_id=customer().user_id, group_id=request.group_id,
                                              name=request.name))

    def DeleteGroup(self, request, context):
        default_id, moved = handlers.delete_group(self.uow(), user_id=customer().user_id, group_id=request.group_id)
        return pb.DeleteGroupReply(default_group_id=default_id, moved_accounts=moved)

    # ---- customer: contracts ----

    def BindContract(self, request, context):
        message = contracts.request_binding(self.uow(), user_id=customer().user_id, number=request.number,
                                            email=request.email)
        return pb.BindContractReply(message=message, link_ttl_seconds=int(LINK_TTL.total_seconds()))

    def ConfirmContractBinding(self, request, context):
        card = contracts.confirm_binding(self.uow(), token=request.token)
        return pb.ConfirmContractBindingReply(contract_id=card.contract_id, number=card.number)

    def ListMyContracts(self, request, context):
        cards = contracts.my_contracts(self.uow(), customer().user_id)
        return pb.ListMyContractsReply(contracts=[contract_pb(c) for c in cards])

    def GetContract(self, request, context):
        return contract_pb(contracts.contract_for(self.uow(), customer().user_id, request.contract_id))

    def RemoveContract(self, request, context):
        contracts.remove(self.uow(), user_id=customer().user_id, contract_id=request.contract_id)
        return pb.RemoveContractReply()

    def ExportContract(self, request, context):
        card = contracts.contract_for(self.uow(), customer().user_id, request.contract_id)
        content = xlsx.key_value_workbook(f"Договор {card.number}", export_rows(card))
        return pb.FileReply(filename=f"dogovor-{card.number}.xlsx", content_type=xlsx.XLSX, content=content)

    # ---- customer: service requests ----

    def CreateServiceRequest(self, request, context):
        user = customer()
        req = requests.create(
            self.uow(), user_id=user.user_id, account_id=request.account_id, type=customer_type(request.type),
            description=request.description, preferred_from=_time(request.preferred_from, "preferred_from"),
            preferred_to=_time(request.preferred_to, "preferred_to"))
        return request_pb(req)

    def ReportMeterDataError(self, request, context):
        req = requests.create(self.uow(), user_id=customer().user_id, account_id=request.account_id,
                              type=METER_DATA, description=request.description, meter_id=request.meter_id)
        return request_pb(req)

    def ListMyServiceRequests(self, request, context):
        found = requests.mine(self.uow(), customer().user_id, request.account_id)
        return pb.ListServiceRequestsReply(requests=[request_pb(r) for r in found])

    def GetServiceRequest(self, request, context):
        return request_pb(requests.one_of_mine(self.uow(), customer().user_id, request.request_id))

    def CancelServiceRequest(self, request, context):
        return request_pb(requests.cancel(self.uow(), user_id=customer().user_id, request_id=request.request_id,
                                          comment=request.comment))

    # ---- staff ----

    def StaffSearchAccounts(self, request, context):
        found = staff.search_accounts(
            self.uow(), staff_member(), number=request.number, address=request.address, holder=request.holder,
            meter_number=request.meter_number, user_id=request.user_id, limit=request.limit)
        return pb.StaffSearchAccountsReply(accounts=[_staff_account(c, b) for c, b in found])

    def StaffGetAccount(self, request, context):
        return _staff_account(*staff.account(self.uow(), staff_member(), request.account_id))

    def StaffCorrectMeter(self, request, context):
        changes = {name: _present(request, name)
                   for name in ("number", "model", "zones", "digits", "ratio", "verification_due")}
        meter = staff.correct_meter(self.uow(), staff_member(), meter_id=request.meter_id, reason=request.reason,
                                    **changes)
        return pb.Meter(meter_id=meter.meter_id, number=meter.number, model=meter.model, zones=meter.zones,
                        digits=meter.digits, ratio=meter.ratio,
                        verification_due=meter.verification_due.isoformat() if meter.verification_due else "")

    def StaffIssueActivationCode(self, request, context):
        code, expires_at = staff.issue_activation_code(self.uow(), staff_member(), account_id=request.account_id)
        return pb.ActivationCode(account_id=request.account_id, code=code, expires_at=ts(expires_at))

    def StaffListServiceRequests(self, request, context):
        found = staff.requests(self.uow(), staff_member(), status=request.status, type=request.type,
                               account_id=request.account_id, limit=request.limit)
        return pb.ListServiceRequestsReply(requests=[request_pb(r, staff=True) for r in found])

    def StaffGetServiceRequest(self, request, context):
        return request_pb(staff.request(self.uow(), staff_member(), request.request_id), staff=True)

    def StaffUpdateServiceRequest(self, request, context):
        req = staff.move_request(self.uow(), staff_member(), request_id=request.request_id, status=request.status,
                                 comment=request.comment)
        return request_pb(req, staff=True)

    def StaffListAudit(self, request, context):
        entries = staff.audit_entries(self.uow(), staff_member("admin"), entity=request.entity, entity_id=request.entity_id,
                                      actor_id=request.actor_id, limit=request.limit)
        return pb.StaffListAuditReply(entries=[pb.AuditEntry(
            id=e["id"], at=ts(e["at"]), actor_id=e["actor_id"], action=e["action"], entity=e["entity"],
            entity_id=e["entity_id"], before_json=_json(e["before"]), after_json=_json(e["after"]))
            for e in entries])

    def ImportRegistry(self, request, context):
        files = {kind: _present(request, kind) for kind in ("accounts", "meters", "payments", "contracts")}
        report = staff.import_registry(self.uow(), staff_member("admin"), **files)
        return pb.ImportRegistryReply(changed_accounts=report.changed_accounts, files=[pb.FileReport(
            kind=f.kind, rows=f.rows, inserted=f.inserted, updated=f.updated, unchanged=f.unchanged, closed=f.closed,
            rejected=[pb.RejectedRow(line=r.line, reason=r.reason) for r in f.rejected]) for f in report.files])


def _staff_account(card, bindings) -> pb.StaffAccount:
    return pb.StaffAccount(account=to_pb(card), bindings=[
        pb.Binding(user_id=b["user_id"], bound_at=ts(b["bound_at"]), alias=b["alias"]) for b in bindings])


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)
