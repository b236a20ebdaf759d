"""The accounts gRPC API: unpack the request, check who calls, call one use case, pack the reply.
Every rule of the input is the use cases' (and their domain's); here is only the protobuf."""

from __future__ import annotations

from kabinet.accounts.v1 import accounts_pb2 as pb
from kabinet.accounts.v1 import accounts_pb2_grpc as pb_grpc

from kit.context import Caller, require_caller
from kit.errors import Forbidden
from services.accounts.adapters import xlsx
from services.accounts.domain.contracts import LINK_TTL, export_rows
from services.accounts.domain.suppliers import change_paths
from services.accounts.entrypoints.messages import (
    account_pb,
    audit_entry_pb,
    contract_pb,
    group_pb,
    import_report_pb,
    meter_pb,
    request_pb,
    staff_account_pb,
    supplier_pb,
    supplier_values,
    ts,
)
from services.accounts.service_layer import accounts, binding, contracts, groups, requests, staff, suppliers

STAFF_ROLES = {"operator", "admin"}
CUSTOMER_KINDS = {"person", "organization"}


def customer() -> Caller:
    """A signed-in customer (person or organization) past onboarding."""
    user = require_caller()
    if user.kind not in CUSTOMER_KINDS:  # staff, and partners (payment agents) too
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


def _present(msg, name: str):
    return getattr(msg, name) if msg.HasField(name) else None


class AccountsServicer(pb_grpc.AccountsServicer):
    def __init__(self, uow_factory) -> None:
        self.uow = uow_factory

    # ---- customer: accounts ----

    def BindAccount(self, request, context):
        user = customer()
        proof = request.WhichOneof("proof")
        last = request.last_payment
        card = binding.bind_account(
            self.uow(), user_id=user.user_id, number=request.number, alias=request.alias,
            supplier_id=request.supplier_id, group_id=request.group_id,
            last_payment=(last.date, last.amount_kop) if proof == "last_payment" else None,
            meter_number=request.meter_number if proof == "meter_number" else None,
            activation_code=request.activation_code if proof == "activation_code" else None,
            captcha_solved=request.captcha_solved)
        return account_pb(card)

    def ListMyAccounts(self, request, context):
        cards = accounts.my_accounts(self.uow(), customer().user_id)
        return pb.ListMyAccountsReply(accounts=[account_pb(c) for c in cards])

    def GetAccount(self, request, context):
        return account_pb(accounts.account_for(self.uow(), customer().user_id, request.account_id))

    def UpdateAccount(self, request, context):
        card = accounts.update_account(
            self.uow(), user_id=customer().user_id, account_id=request.account_id,
            alias=_present(request, "alias"), group_id=_present(request, "group_id"),
            bill_delivery=_present(request, "bill_delivery"))
        return account_pb(card)

    def UnbindAccount(self, request, context):
        binding.unbind_account(self.uow(), user_id=customer().user_id, account_id=request.account_id)
        return pb.UnbindAccountReply()

    def CheckAccess(self, request, context):
        # Other services forward the customer's token; the rule is the same as GetAccount's.
        card = accounts.account_for(self.uow(), require_caller().user_id, request.account_id)
        return pb.CheckAccessReply(account=account_pb(card))

    # ---- public and partners ----

    def FindAccount(self, request, context):
        # No caller needed (public pay flows, partners): the reply says only that the number exists.
        card = accounts.find_account(self.uow(), number=request.number, supplier_id=request.supplier_id)
        return pb.FoundAccount(account_id=card.account_id, supplier_id=card.supplier_id, number=card.number)

    def ListSuppliers(self, request, context):
        # No caller needed: a supplier's name and services are what its own site shows.
        return pb.ListSuppliersReply(suppliers=[
            pb.PublicSupplier(supplier_id=s.supplier_id, name=s.name, services=list(s.services))
            for s in suppliers.public_suppliers(self.uow())])

    # ---- customer: groups ----

    def ListGroups(self, request, context):
        return pb.ListGroupsReply(groups=[group_pb(g) for g in groups.list_groups(self.uow(), customer().user_id)])

    def CreateGroup(self, request, context):
        return group_pb(groups.create_group(self.uow(), user_id=customer().user_id, name=request.name))

    def RenameGroup(self, request, context):
        return group_pb(groups.rename_group(self.uow(), user_id=customer().user_id, group_id=request.group_id,
                                            name=request.name))

    def DeleteGroup(self, request, context):
        default_id, moved = groups.delete_group(self.uow(), user_id=customer().user_id, group_id=request.group_id)
        return pb.DeleteGroupReply(default_group_id=default_id, moved_accounts=moved)

    # ---- customer: contracts ----

    def BindContract(self, request, context):
        message = contracts.request_binding(self.uow(), user_id=customer().user_id, number=request.number,
                                            email=request.email, captcha_solved=request.captcha_solved)
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
        req = requests.create(
            self.uow(), user_id=customer().user_id, account_id=request.account_id, type=request.type,
            description=request.description, preferred_from=request.preferred_from,
            preferred_to=request.preferred_to)
        return request_pb(req)

    def ReportMeterDataError(self, request, context):
        req = requests.report_meter_data(self.uow(), user_id=customer().user_id, account_id=request.account_id,
                                         description=request.description, meter_id=request.meter_id)
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
        return pb.StaffSearchAccountsReply(accounts=[staff_account_pb(c, b) for c, b in found])

    def StaffGetAccount(self, request, context):
        return staff_account_pb(*staff.account(self.uow(), staff_member(), request.account_id))

    def StaffCorrectMeter(self, request, context):
        changes = {name: _present(request, name)
                   for name in ("number", "model", "zones", "digits", "ratio", "verification_due")}
        return meter_pb(staff.correct_meter(self.uow(), staff_member(), meter_id=request.meter_id,
                                            reason=request.reason, **changes))

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
        entries = staff.audit_entries(self.uow(), staff_member("admin"), entity=request.entity,
                                      entity_id=request.entity_id, actor_id=request.actor_id, limit=request.limit)
        return pb.StaffListAuditReply(entries=[audit_entry_pb(e) for e in entries])

    def ImportRegistry(self, request, context):
        files = {kind: _present(request, kind) for kind in ("accounts", "meters", "payments", "contracts")}
        return import_report_pb(staff.import_registry(self.uow(), staff_member("admin"), **files))

    def StaffResolveAccounts(self, request, context):
        found = staff.resolve_accounts(
            self.uow(), staff_member("admin"), supplier_code=request.supplier_code,
            account_numbers=list(request.account_numbers), contract_numbers=list(request.contract_numbers),
            with_meters=request.with_meters)
        return pb.StaffResolveAccountsReply(
            supplier_id=found.supplier_id,
            accounts=[pb.ResolvedAccount(
                number=a.number, account_id=a.account_id, supplier_id=found.supplier_id,
                meters=[pb.ResolvedMeter(meter_number=m.meter_number, meter_id=m.meter_id, zones=m.zones,
                                         digits=m.digits, closed=m.closed) for m in a.meters])
                for a in found.accounts],
            contracts=[pb.ResolvedContract(contract_number=number, contract_id=cid, supplier_id=found.supplier_id)
                       for number, cid in found.contracts])

    # ---- staff: suppliers ----

    def StaffListSuppliers(self, request, context):
        found = suppliers.list_suppliers(self.uow(), staff_member())
        return pb.StaffListSuppliersReply(suppliers=[supplier_pb(s) for s in found])

    def StaffGetSupplier(self, request, context):
        return supplier_pb(suppliers.supplier(self.uow(), staff_member(), request.supplier_id))

    def StaffCreateSupplier(self, request, context):
        return supplier_pb(suppliers.create_supplier(self.uow(), staff_member("admin"),
                                                     supplier_values(request.supplier)))

    def StaffUpdateSupplier(self, request, context):
        who = staff_member("admin")
        changes = supplier_values(request.supplier, change_paths(request.update_mask.paths))
        return supplier_pb(suppliers.update_supplier(self.uow(), who, request.supplier_id, changes))
