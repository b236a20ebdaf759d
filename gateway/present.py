"""Protobuf replies -> the public JSON shapes (explicit, so the API does not follow the protos by accident)."""

from __future__ import annotations

import json
from decimal import Decimal

ZONES_BY_COUNT = {1: ["total"], 2: ["day", "night"], 3: ["peak", "semi_peak", "night"]}


def _ts(msg, name: str) -> str | None:
    if not msg.HasField(name):
        return None
    return getattr(msg, name).ToDatetime().isoformat() + "Z"


def meter(m) -> dict:
    return {"meter_id": m.meter_id, "number": m.number, "model": m.model, "zones": m.zones,
            "zone_names": ZONES_BY_COUNT.get(m.zones, []), "digits": m.digits, "ratio": m.ratio,
            "verification_due": m.verification_due or None}


def account(a) -> dict:
    return {
        "account_id": a.account_id, "number": a.number, "supplier_id": a.supplier_id,
        "supplier_name": a.supplier_name, "address": a.address, "holder": a.holder, "category": a.category,
        "automatic_metering": a.automatic_metering, "alias": a.alias,
        "group": {"group_id": a.group_id, "name": a.group_name},
        "bill_delivery": a.bill_delivery,
        "premise": {"address": a.address, "area_m2": a.premise.area_m2 or None,
                    "residents": a.premise.residents or None, "stove": a.premise.stove or None},
        "meters": [meter(m) for m in a.meters],
    }


def group(x) -> dict:
    return {"group_id": x.group_id, "name": x.name, "is_default": x.is_default, "account_count": x.account_count}


def contract(c) -> dict:
    return {"contract_id": c.contract_id, "number": c.number, "supplier_id": c.supplier_id,
            "supplier_name": c.supplier_name, "holder": c.holder, "inn": c.inn, "address": c.address,
            "emails": list(c.emails), "bound_at": c.bound_at or None}


def service_request(r, *, staff: bool = False) -> dict:
    out = {"request_id": r.request_id, "account_id": r.account_id, "account_number": r.account_number,
           "type": r.type, "description": r.description, "address": r.address,
           "preferred_from": r.preferred_from or None, "preferred_to": r.preferred_to or None,
           "meter_id": r.meter_id or None, "status": r.status, "created_at": r.created_at,
           "updated_at": r.updated_at,
           "history": [{"status": h.status, "comment": h.comment, "actor": h.actor, "at": h.at} for h in r.history]}
    if staff:
        out["user_id"] = r.user_id
    return out


def staff_account(x) -> dict:
    card = account(x.account)
    for key in ("alias", "group"):  # a cabinet's own names, not the account's facts
        card.pop(key)
    card["bindings"] = [{"user_id": b.user_id, "bound_at": b.bound_at, "alias": b.alias} for b in x.bindings]
    return card


def audit_entry(e) -> dict:
    return {"id": e.id, "at": e.at, "actor_id": e.actor_id, "action": e.action, "entity": e.entity,
            "entity_id": e.entity_id, "before": json.loads(e.before_json) if e.before_json else None,
            "after": json.loads(e.after_json) if e.after_json else None}


def registry_report(r) -> dict:
    return {"changed_accounts": r.changed_accounts, "files": [
        {"kind": f.kind, "rows": f.rows, "inserted": f.inserted, "updated": f.updated, "unchanged": f.unchanged,
         "closed": f.closed, "rejected": [{"line": x.line, "reason": x.reason} for x in f.rejected]}
        for f in r.files]}


def reading(r) -> dict:
    return {
        "reading_id": r.reading_id, "account_id": r.account_id, "meter_id": r.meter_id,
        "values": {v.zone: v.value for v in r.values},
        "consumption": {v.zone: v.value for v in r.consumption},
        "source": r.source, "status": r.status, "taken_at": _ts(r, "taken_at"),
    }


def balance(b) -> dict:
    return {"account_id": b.account_id, "balance_kop": b.balance_kop, "state": b.state,
            "amount_due_kop": b.amount_due_kop}


def charge(c) -> dict:
    return {
        "charge_id": c.charge_id, "kind": c.kind, "amount_kop": c.amount_kop, "reading_id": c.reading_id,
        "lines": [{"zone": line.zone, "consumption": line.consumption,
                   "price_rub_per_kwh": f"{Decimal(line.price_kop_per_kwh_x100) / 10000:f}",
                   "amount_kop": line.amount_kop} for line in c.lines],
        "posted_at": _ts(c, "posted_at"),
    }


def notification(m) -> dict:
    return {"id": m.message_id, "category": m.category, "title": m.title, "body": m.body,
            "account_id": m.account_id, "read": m.read, "created_at": _ts(m, "created_at")}


def dev_message(m) -> dict:
    return {"id": m.message_id, "channel": m.channel, "to": m.destination, "subject": m.subject,
            "body": m.body, "sent_at": _ts(m, "sent_at")}


def profile(p) -> dict:
    return {"user_id": p.user_id, "kind": p.kind, "phone": p.phone, "email": p.email, "login": p.login,
            "surname": p.surname, "first_name": p.first_name, "patronymic": p.patronymic,
            "contact_phone": p.contact_phone, "marketing_consent": p.marketing_consent,
            "onboarding_required": p.onboarding_required, "pending_email": p.pending_email,
            "pending_phone": p.pending_phone, "email_verified": p.email_verified,
            "phone_verified": p.phone_verified, "terms_version": p.terms_version, "roles": list(p.roles),
            "has_password": p.has_password}


def password_rules(r) -> dict:
    return {"rules": [{"code": x.code, "title": x.title, "pattern": x.pattern} for x in r.rules],
            "min_length": r.min_length, "max_length": r.max_length}


def session(x) -> dict:
    return {"session_id": x.session_id, "device": x.device, "ip": x.ip, "created_at": x.created_at,
            "last_used_at": x.last_used_at, "expires_at": x.expires_at, "remember_me": x.remember_me,
            "current": x.current, "method": x.method}


def social_identity(i) -> dict:
    return {"identity_id": i.identity_id, "provider": i.provider, "display_name": i.display_name,
            "linked_at": i.linked_at}
