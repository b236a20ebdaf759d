"""Staff tools: search accounts, view bindings, correct meter data, issue activation codes,
process service requests. Every action is written to the audit log in its own transaction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict

from kit.context import Caller
from kit.errors import Conflict, InvalidInput, NotFound
from services.accounts.domain import model
from services.accounts.domain import requests as dr
from services.accounts.service_layer import registry
from services.accounts.service_layer.handlers import _is_uuid, account_changed_events
from services.accounts.service_layer.requests import REQUEST_NOT_FOUND

ACCOUNT_NOT_FOUND = NotFound("Лицевой счёт не найден.", code="account_not_found")
METER_NOT_FOUND = NotFound("Счётчик не найден.", code="meter_not_found")
SEARCH_MIN_TEXT = 3


def _audit(uow, staff: Caller, action: str, entity: str, entity_id: str = "", *, before=None, after=None) -> None:
    uow.audit.record(actor_id=staff.user_id, roles=staff.roles, action=action, entity=entity, entity_id=entity_id,
                     before=_jsonable(before), after=_jsonable(after))


def _jsonable(value):
    return None if value is None else json.loads(json.dumps(value, default=str))


def search_accounts(uow, staff: Caller, *, number: str = "", address: str = "", holder: str = "",
                    meter_number: str = "", user_id: str = "", limit: int = 50):
    """[(account facts, bindings)] matching every filter given."""
    address, holder, meter_number = address.strip(), holder.strip(), meter_number.strip()
    if not any((number.strip(), address, holder, meter_number, user_id)):
        raise InvalidInput("Укажите номер счёта, адрес, владельца, номер счётчика или пользователя.",
                           code="search_filter_required")
    if (address and len(address) < SEARCH_MIN_TEXT) or (holder and len(holder) < SEARCH_MIN_TEXT):
        raise InvalidInput(f"Адрес и владелец: не меньше {SEARCH_MIN_TEXT} символов.", code="search_too_short")
    if user_id and not _is_uuid(user_id):
        raise InvalidInput(code="invalid_user_id", fields={"user_id": "Идентификатор пользователя — UUID."})
    key = model.number_key(number) if number.strip() else None
    meter_key = model._meter_key(meter_number) if meter_number else ""
    limit = min(max(limit or 50, 1), 200)
    with uow:
        ids = uow.accounts.search(key=key, address=address, holder=holder, meter_key=meter_key, user_id=user_id,
                                  limit=limit)
        found = _with_bindings(uow, ids)
        _audit(uow, staff, "accounts.searched", "account", after={
            "number": number, "address": address, "holder": holder, "meter_number": meter_number,
            "user_id": user_id, "found": len(found)})
        uow.commit()
    return found


def account(uow, staff: Caller, account_id: str):
    """(account facts, bindings) — the cabinets an account is bound to."""
    with uow:
        found = _with_bindings(uow, [account_id] if _is_uuid(account_id) else [])
        if not found:
            raise ACCOUNT_NOT_FOUND
        _audit(uow, staff, "account.viewed", "account", account_id)
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
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(code="reason_required", fields={"reason": "Укажите причину исправления."})
    values = model.meter_correction(**changes)
    with uow:
        before = uow.accounts.meter(meter_id) if _is_uuid(meter_id) else None
        if before is None:
            raise METER_NOT_FOUND
        if "number" in values and values["number"] != before["number"] and values["number"] in (
                uow.accounts.all_meter_numbers(before["account_id"])):
            raise Conflict("У этого лицевого счёта уже есть счётчик с таким номером.", code="meter_number_taken")
        uow.accounts.update_meter(meter_id, values)
        for event in account_changed_events(uow.accounts, [before["account_id"]]):
            uow.emit(event)
        _audit(uow, staff, "meter.corrected", "meter", meter_id,
               before={k: before[k] for k in values} | {"account_id": before["account_id"]},
               after=values | {"reason": reason})
        after = uow.accounts.meter(meter_id)
        uow.commit()
    return model.MeterCard(meter_id=after["meter_id"], number=after["number"], model=after["model"],
                           zones=after["zones"], digits=after["digits"],
                           ratio=format(after["ratio"].normalize(), "f"), verification_due=after["verification_due"])


def issue_activation_code(uow, staff: Caller, *, account_id: str) -> tuple[str, dt.datetime]:
    """A new single-use code for the account, returned once (only its hash is kept)."""
    now = dt.datetime.now(dt.UTC)
    code, expires_at = model.new_activation_code(), now + model.CODE_TTL
    with uow:
        if not _is_uuid(account_id) or not uow.accounts.facts_many([account_id]):
            raise ACCOUNT_NOT_FOUND
        uow.accounts.issue_code(account_id=account_id, code_hash=model.activation_code_hash(code),
                                issued_by=staff.user_id, now=now, expires_at=expires_at)
        _audit(uow, staff, "activation_code.issued", "account", account_id, after={"expires_at": expires_at})
        uow.commit()
    return code, expires_at


def requests(uow, staff: Caller, *, status: str = "", type: str = "", account_id: str = "", limit: int = 100):
    if status and status not in dr.STATUSES:
        raise InvalidInput(code="invalid_status", fields={"status": f"Статус: один из {', '.join(dr.STATUSES)}."})
    if type and type not in dr.TYPES:
        raise InvalidInput(code="invalid_request_type", fields={"type": f"Тип: один из {', '.join(dr.TYPES)}."})
    if account_id and not _is_uuid(account_id):
        return []
    with uow:
        found = uow.requests.for_staff(status=status, type=type, account_id=account_id,
                                       limit=min(max(limit or 100, 1), 500))
        _audit(uow, staff, "service_requests.listed", "service_request", after={
            "status": status, "type": type, "account_id": account_id, "found": len(found)})
        uow.commit()
    return found


def request(uow, staff: Caller, request_id: str) -> dr.ServiceRequest:
    with uow:
        req = uow.requests.get(request_id) if _is_uuid(request_id) else None
        if req is None:
            raise REQUEST_NOT_FOUND
        _audit(uow, staff, "service_request.viewed", "service_request", req.request_id)
        uow.commit()
    return req


def move_request(uow, staff: Caller, *, request_id: str, status: str, comment: str = "") -> dr.ServiceRequest:
    """new -> accepted -> in_progress -> done, or cancelled before done; each step in the history."""
    now = dt.datetime.now(dt.UTC)
    comment = (comment or "").strip()[:2000]
    with uow:
        req = uow.requests.get(request_id, lock=True) if _is_uuid(request_id) else None
        if req is None:
            raise REQUEST_NOT_FOUND
        dr.staff_transition(req.status, status)
        uow.requests.set_status(req.request_id, status, now)
        uow.requests.record(req.request_id, status, comment, "staff", staff.user_id, now)
        _audit(uow, staff, "service_request.status", "service_request", req.request_id,
               before={"status": req.status}, after={"status": status, "comment": comment})
        req = uow.requests.get(req.request_id)
        uow.commit()
    return req


def audit_entries(uow, staff: Caller, *, entity: str = "", entity_id: str = "", actor_id: str = "",
                  limit: int = 100):
    if actor_id and not _is_uuid(actor_id):
        return []
    with uow:
        found = uow.audit.entries(entity=entity, entity_id=entity_id, actor_id=actor_id,
                                  limit=min(max(limit or 100, 1), 1000))
        _audit(uow, staff, "audit.viewed", "audit", after={"entity": entity, "entity_id": entity_id,
                                                           "actor_id": actor_id})
        uow.commit()
    return found


def import_registry(uow, staff: Caller, **files) -> registry.ImportReport:
    """The registry import with its audit record, in one transaction."""
    def audit(uow, report: registry.ImportReport) -> None:
        _audit(uow, staff, "registry.imported", "registry", after={
            "changed_accounts": report.changed_accounts,
            "files": [{k: v for k, v in asdict(f).items() if k != "rejected"} | {"rejected": len(f.rejected)}
                      for f in report.files]})
    return registry.import_registry(uow, before_commit=audit, **files)
