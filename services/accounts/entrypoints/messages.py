"""Domain results -> the reply messages of kabinet.accounts.v1 (the only place replies are built).

An account in a reply is its facts as every service receives them (adapters/events.py)
plus what the caller's cabinet owns of it: the alias and the group."""

from __future__ import annotations

import json

from kabinet.accounts.v1 import accounts_pb2 as pb

from kit.registry_pb import report_pb
from services.accounts.adapters.events import account_facts, meter, supplier_facts
from services.accounts.adapters.events import rfc3339 as ts
from services.accounts.domain.contracts import ContractCard
from services.accounts.domain.model import AccountCard, Group, MeterCard
from services.accounts.domain.requests import ServiceRequest
from services.accounts.domain.suppliers import FIELDS, Supplier
from services.accounts.service_layer.registry import ImportReport


def account_pb(card: AccountCard) -> pb.Account:
    msg = account_facts(card)
    msg.alias, msg.group_id, msg.group_name = card.alias, card.group_id, card.group_name
    return msg


def meter_pb(card: MeterCard) -> pb.Meter:
    """A meter reads the same in replies and in events (with its zone names)."""
    return meter(card)


def staff_account_pb(card: AccountCard, bindings: list[dict]) -> pb.StaffAccount:
    return pb.StaffAccount(account=account_pb(card), bindings=[
        pb.Binding(user_id=b["user_id"], bound_at=ts(b["bound_at"]), alias=b["alias"]) for b in bindings])


def supplier_pb(supplier: Supplier) -> pb.Supplier:
    """A supplier reads the same in replies and in events (accounts.supplier.changed)."""
    return supplier_facts(supplier)


def supplier_values(msg: pb.Supplier, names=FIELDS) -> dict:
    """The values of a Supplier message named by their public paths ("name", "bank.bic", …)."""
    values = {}
    for name in names:
        group, _, leaf = name.rpartition(".")
        value = getattr(getattr(msg, group) if group else msg, leaf)
        values[name] = list(value) if name == "services" else value
    return values


def group_pb(group: Group) -> pb.Group:
    return pb.Group(group_id=group.group_id, name=group.name, is_default=group.is_default,
                    account_count=group.account_count)


def contract_pb(card: ContractCard) -> pb.Contract:
    return pb.Contract(contract_id=card.contract_id, number=card.number, supplier_id=card.supplier_id,
                       supplier_name=card.supplier_name, holder=card.holder, inn=card.inn, address=card.address,
                       emails=list(card.emails), bound_at=ts(card.bound_at))


def request_pb(req: ServiceRequest, *, staff: bool = False) -> pb.ServiceRequest:
    return pb.ServiceRequest(
        request_id=req.request_id, account_id=req.account_id, account_number=req.account_number, type=req.type,
        description=req.description, address=req.address, preferred_from=ts(req.preferred_from),
        preferred_to=ts(req.preferred_to), status=req.status, created_at=ts(req.created_at),
        updated_at=ts(req.updated_at), meter_id=req.meter_id, user_id=req.user_id if staff else "",
        history=[pb.ServiceRequestEvent(status=h.status, comment=h.comment, actor=h.actor, at=ts(h.at))
                 for h in req.history])


def audit_entry_pb(e: dict) -> pb.AuditEntry:
    return pb.AuditEntry(id=e["id"], at=ts(e["at"]), actor_id=e["actor_id"], action=e["action"],
                         entity=e["entity"], entity_id=e["entity_id"], before_json=_json(e["before"]),
                         after_json=_json(e["after"]))


def import_report_pb(report: ImportReport) -> pb.ImportRegistryReply:
    return pb.ImportRegistryReply(changed_accounts=report.changed_accounts,
                                  files=[report_pb(f) for f in report.files])


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)
