"""Staff tools: search accounts, view bindings, correct meter data, issue activation codes,
process service requests, read the audit log, import the registry. Every call is audited."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict

from kit.context import Caller
from kit.errors import Conflict, NotFound
from kit.ids import is_uuid
from services.accounts.domain import meters, model
from services.accounts.domain import requests as dr
from services.accounts.domain.events import ServiceRequestChanged
from services.accounts.domain.search import account_search
from services.accounts.service_layer import registry
from services.accounts.service_layer.accounts import publish_facts
from services.accounts.service_layer.ownership import ACCOUNT_NOT_FOUND, REQUEST_NOT_FOUND

METER_NOT_FOUND = NotFound("Счётчик не найден.", code="meter_not_found")


def audit(uow, staff: Caller, action: str, entity: str, entity_id: str = "", *, before=None, after=None) -> None:
    """Every staff call, views and searches included, leaves who, roles, action, entity, before and after —
    written in the same transaction as its effect."""
    uow.audit.record(actor_id=staff.user_id, roles=staff.roles, action=action, entity=entity, entity_id=entity_id,
                     before=_jsonable(before), after=_jsonable(after))


def _jsonable(value):
    return None if value is None else json.loads(json.dumps(value, default=str))


def search_accounts(uow, staff: Caller, *, number: str = "", address: str = "", holder: str = "",
                    meter_number: str = "", user_id: str = "", limit: int = 0):
    """[(account facts, bindings)] matching every filter given."""
    q = account_search(number=number, address=address, holder=holder, meter_number=meter_number,
                       user_id=user_id, limit=limit)
    with uow:
        ids = uow.accounts.search(key=q.number_key, address=q.address, holder=q.holder, meter_key=q.meter_key,
                                  user_id=q.user_id, limit=q.limit)
        found = _with_bindings(uow, ids)
        audit(uow, staff, "accounts.searched", "account", after={
            "number": number, "address": q.address, "holder": q.holder, "meter_number": meter_number,
            "user_id": q.user_id, "found": len(found)})
        uow.commit()
    return found


def account(uow, staff: Caller, account_id: str):
    """(account facts, bindings) — the cabinets an account is bound to."""
    with uow:
        found = _with_bindings(uow, [account_id] if is_uuid(account_id) else [])
        if not found:
            raise ACCOUNT_NOT_FOUND
        audit(uow, staff, "account.viewed", "account", account_id)
        uow.commit()
    return found[0]


def _with_bindings(uow, ids: list[str]):
    if not ids:
        return []
    cards = {c.account_id: c for c in uow.accounts.facts_many(ids)}
    bindings = uow.accounts.bindings_of(ids)
    return [(cards[i], bindings.get(i, [])) for i in ids if i in cards]


def correct_meter(uow, staff: Caller, *, meter_id: str, reason: str, **changes) -> model.MeterCard:
    """Corrects a meter's data; accounts.account.changed tells other services."""
    values, reason = meters.meter_correction(reason=reason, **changes)
    with uow:
        before = uow.accounts.meter(meter_id) if is_uuid(meter_id) else None
        if before is None:
            raise METER_NOT_FOUND
        if "number" in values and values["number"] != before["number"] and values["number"] in (
                uow.accounts.all_meter_numbers(before["account_id"])):
            raise Conflict("У этого лицевого счёта уже есть счётчик с таким номером.", code="meter_number_taken")
        uow.accounts.update_meter(meter_id, values)
        publish_facts(uow, [before["account_id"]])
        audit(uow, staff, "meter.corrected", "meter", meter_id,
              before={k: before[k] for k in values} | {"account_id": before["account_id"]},
              after=values | {"reason": reason})
        card = uow.accounts.meter_card(meter_id)
        uow.commit()
    return card


def issue_activation_code(uow, staff: Caller, *, account_id: str) -> tuple[str, dt.datetime]:
    """A new single-use code for the account, returned once (only its hash is kept)."""
    now = dt.datetime.now(dt.UTC)
    code, expires_at = model.new_activation_code(), now + model.CODE_TTL
    with uow:
        if not is_uuid(account_id) or not uow.accounts.facts_many([account_id]):
            raise ACCOUNT_NOT_FOUND
        uow.accounts.issue_code(account_id=account_id, code_hash=model.activation_code_hash(code),
                                issued_by=staff.user_id, now=now, expires_at=expires_at)
        audit(uow, staff, "activation_code.issued", "account", account_id, after={"expires_at": expires_at})
        uow.commit()
    return code, expires_at


def requests(uow, staff: Caller, *, status: str = "", type: str = "", account_id: str = "", limit: int = 100):
    dr.staff_filter(status=status, type=type)
    if account_id and not is_uuid(account_id):
        return []
    with uow:
        found = uow.requests.for_staff(status=status, type=type, account_id=account_id,
                                       limit=min(max(limit or 100, 1), 500))
        audit(uow, staff, "service_requests.listed", "service_request", after={
            "status": status, "type": type, "account_id": account_id, "found": len(found)})
        uow.commit()
    return found


def request(uow, staff: Caller, request_id: str) -> dr.ServiceRequest:
    with uow:
        req = uow.requests.get(request_id) if is_uuid(request_id) else None
        if req is None:
            raise REQUEST_NOT_FOUND
        audit(uow, staff, "service_request.viewed", "service_request", req.request_id)
        uow.commit()
    return req


def move_request(uow, staff: Caller, *, request_id: str, status: str, comment: str = "") -> dr.ServiceRequest:
    """new -> accepted -> in_progress -> done, or cancelled before done; each step in the history and told to
    the cabinet that filed it (accounts.service_request.changed), in the same transaction."""
    now = dt.datetime.now(dt.UTC)
    status, comment = dr.staff_update(status, comment)
    with uow:
        req = uow.requests.get(request_id, lock=True) if is_uuid(request_id) else None
        if req is None:
            raise REQUEST_NOT_FOUND
        dr.staff_transition(req.status, status)
        uow.requests.set_status(req.request_id, status, now)
        uow.requests.record(req.request_id, status, comment, "staff", staff.user_id, now)
        audit(uow, staff, "service_request.status", "service_request", req.request_id,
              before={"status": req.status}, after={"status": status, "comment": comment})
        req = uow.requests.get(req.request_id)
        uow.emit(ServiceRequestChanged(req, comment, now))
        uow.commit()
    return req


def audit_entries(uow, staff: Caller, *, entity: str = "", entity_id: str = "", actor_id: str = "",
                  limit: int = 100):
    if actor_id and not is_uuid(actor_id):
        return []
    with uow:
        found = uow.audit.entries(entity=entity, entity_id=entity_id, actor_id=actor_id,
                                  limit=min(max(limit or 100, 1), 1000))
        audit(uow, staff, "audit.viewed", "audit", after={"entity": entity, "entity_id": entity_id,
                                                          "actor_id": actor_id})
        uow.commit()
    return found


def resolve_accounts(uow, staff: Caller, **numbers) -> registry.Resolved:
    """Numbers of the registry's other parts -> ids (`registry.resolve`), for the services importing them;
    audited with the counts (one entry per call)."""
    resolved = registry.resolve(uow, **numbers)
    with uow:
        audit(uow, staff, "registry.resolved", "registry", after={
            "supplier_code": numbers.get("supplier_code", ""), "accounts": len(numbers.get("account_numbers", ())),
            "contracts": len(numbers.get("contract_numbers", ())), "found_accounts": len(resolved.accounts),
            "found_contracts": len(resolved.contracts)})
        uow.commit()
    return resolved


def import_registry(uow, staff: Caller, **files) -> registry.ImportReport:
    """The registry import with its audit record, in one transaction."""
    def record(uow, report: registry.ImportReport) -> None:
        audit(uow, staff, "registry.imported", "registry", after={
            "changed_accounts": report.changed_accounts,
            "files": [{k: v for k, v in asdict(f).items() if k != "rejected"} | {"rejected": len(f.rejected)}
                      for f in report.files]})
    return registry.import_registry(uow, before_commit=record, **files)
