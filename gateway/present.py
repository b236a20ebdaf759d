"""Protobuf replies -> the public JSON shapes (explicit, so the API does not follow the protos by accident)."""

from __future__ import annotations

from decimal import Decimal

ZONES_BY_COUNT = {1: ["total"], 2: ["day", "night"], 3: ["peak", "semi_peak", "night"]}


def _ts(msg, name: str) -> str | None:
    if not msg.HasField(name):
        return None
    return getattr(msg, name).ToDatetime().isoformat() + "Z"


def account(a) -> dict:
    return {
        "account_id": a.account_id, "number": a.number, "supplier_id": a.supplier_id,
        "supplier_name": a.supplier_name, "address": a.address, "holder": a.holder, "category": a.category,
        "automatic_metering": a.automatic_metering, "alias": a.alias,
        "group": {"group_id": a.group_id, "name": a.group_name},
        "meters": [{"meter_id": m.meter_id, "number": m.number, "model": m.model, "zones": m.zones,
                    "zone_names": ZONES_BY_COUNT.get(m.zones, []), "digits": m.digits, "ratio": m.ratio}
                   for m in a.meters],
    }


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
