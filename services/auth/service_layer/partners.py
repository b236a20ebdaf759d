"""Partners: staff manage them and their keys (admin writes, operator reads, every call audited), and the
gateway exchanges a partner's signed request for a short-lived partner token."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from kit.context import Caller
from kit.errors import Forbidden, NotFound
from kit.ids import is_uuid
from kit.tokens import sign_access_token
from services.auth.adapters.partner_store import seal, unseal
from services.auth.domain import partners as domain
from services.auth.domain.partners import Partner, PartnerRefused, SignedRequest
from services.auth.domain.sessions import ACCESS_TTL_SECONDS
from services.auth.service_layer.context import Context, now

log = logging.getLogger("services.auth.partners")

READERS = ("operator", "admin")
WRITERS = ("admin",)
PARTNER_NOT_FOUND = NotFound("Партнёр не найден.", code="partner_not_found")
KEY_NOT_FOUND = NotFound("Ключ партнёра не найден.", code="partner_key_not_found")


@dataclass(frozen=True)
class NewKey:
    partner: Partner
    key_id: str
    secret: str  # shown once


@dataclass(frozen=True)
class PartnerToken:
    access_token: str
    expires_in: int
    partner: Partner
    key_id: str


def staff_member(caller: Caller, roles: tuple[str, ...]) -> Caller:
    if caller.kind != "staff" or not set(caller.roles) & set(roles):
        raise Forbidden("Недостаточно прав для этого действия.", code="staff_only")
    return caller


def _audit(uow, who: Caller, action: str, partner_id: str = "", after: dict | None = None) -> None:
    uow.audit.record(actor_id=who.user_id, roles=who.roles, action=f"partner.{action}", entity="partner",
                     entity_id=partner_id, after=after)


def _partner(uow, partner_id: str, *, lock: bool = False) -> Partner:
    found = uow.partners.get(partner_id, lock=lock) if is_uuid(partner_id) else None
    if found is None:
        raise PARTNER_NOT_FOUND
    return found


def _add_key(uow, ctx: Context, partner_id: str) -> tuple[str, str]:
    key_id, secret = domain.new_key()
    uow.partners.add_key(partner_id, key_id, seal(ctx.partner_kek, key_id, secret))
    return key_id, secret


def create_partner(uow, ctx: Context, who: Caller, *, name: str, kind: str, supplier_id: str) -> NewKey:
    staff_member(who, WRITERS)
    name, kind, supplier_id = domain.new_partner_fields(name=name, kind=kind, supplier_id=supplier_id)
    with uow:
        partner_id = str(uuid.uuid4())
        uow.partners.add(Partner(partner_id=partner_id, name=name, kind=kind, supplier_id=supplier_id))
        key_id, secret = _add_key(uow, ctx, partner_id)
        _audit(uow, who, "created", partner_id, {"name": name, "kind": kind, "supplier_id": supplier_id,
                                                 "key_id": key_id})
        partner = uow.partners.get(partner_id)
        uow.commit()
    return NewKey(partner, key_id, secret)


def list_partners(uow, who: Caller) -> list[Partner]:
    staff_member(who, READERS)
    with uow:
        found = uow.partners.all()
        _audit(uow, who, "listed")
        uow.commit()
    return found


def rotate_key(uow, ctx: Context, who: Caller, *, partner_id: str, overlap_hours: int | None) -> NewKey:
    """A new key; the partner's other keys keep working for the overlap, then expire."""
    staff_member(who, WRITERS)
    overlap = domain.overlap(overlap_hours, ctx.partner_key_overlap_hours)
    with uow:
        _partner(uow, partner_id, lock=True)
        uow.partners.expire_keys(partner_id, now() + overlap)
        key_id, secret = _add_key(uow, ctx, partner_id)
        _audit(uow, who, "key_rotated", partner_id, {"key_id": key_id, "overlap_hours": overlap / dt.timedelta(hours=1)})
        partner = uow.partners.get(partner_id)
        uow.commit()
    return NewKey(partner, key_id, secret)


def revoke_key(uow, who: Caller, *, partner_id: str, key_id: str) -> Partner:
    staff_member(who, WRITERS)
    with uow:
        _partner(uow, partner_id, lock=True)
        if not uow.partners.revoke_key(partner_id, key_id, now()):
            raise KEY_NOT_FOUND
        _audit(uow, who, "key_revoked", partner_id, {"key_id": key_id})
        partner = uow.partners.get(partner_id)
        uow.commit()
    return partner


def set_active(uow, who: Caller, *, partner_id: str, active: bool) -> Partner:
    staff_member(who, WRITERS)
    with uow:
        _partner(uow, partner_id, lock=True)
        uow.partners.set_active(partner_id, active)
        _audit(uow, who, "enabled" if active else "disabled", partner_id, {"active": active})
        partner = uow.partners.get(partner_id)
        uow.commit()
    return partner


def audit_entries(uow, who: Caller, *, partner_id: str, limit: int) -> list[dict]:
    staff_member(who, WRITERS)
    with uow:
        return uow.audit.entries(entity="partner", entity_id=partner_id, limit=min(max(limit or 100, 1), 1000))


def authenticate(uow, ctx: Context, req: SignedRequest) -> PartnerToken:
    """A signed request holds when its key is usable and its partner active, the signature is the key's,
    the timestamp is within the skew and the nonce is new for the key. The signature is checked before the
    clock and the nonce, so only the key's holder learns which of those failed."""
    at = now()
    try:
        with uow:
            found = uow.partners.key(req.key_id) if req.key_id else None
            if found is None:
                raise domain.unknown_key("no such key")
            partner, key, sealed = found
            if not key.usable(at):
                raise domain.unknown_key("key revoked" if key.revoked_at else "key expired")
            if not partner.active:
                raise domain.unknown_key("partner disabled")
            domain.check_signature(req, unseal(ctx.partner_kek, key.key_id, sealed))
            domain.check_fresh(req, at)
            if not uow.partners.use_nonce(key.key_id, req.nonce):
                raise PartnerRefused("nonce_reused", "nonce seen before")
            signing = uow.keys.active()
            uow.commit()
    except PartnerRefused as refused:
        log.warning("partner request refused", extra={"ctx_key_id": req.key_id[:64], "ctx_code": refused.code,
                                                        "ctx_reason": refused.reason})
        raise
    token = sign_access_token(signing.private_pem.encode(), signing.kid, user_id=partner.partner_id,
                              kind=domain.PARTNER, session_id=f"partner:{key.key_id}",
                              ttl_seconds=ACCESS_TTL_SECONDS, roles=partner.roles)
    return PartnerToken(token, ACCESS_TTL_SECONDS, partner, key.key_id)


def prune_nonces(uow, at: dt.datetime) -> int:
    """Forget nonces too old to be replayed (their timestamps are stale anyway): a worker job."""
    with uow:
        pruned = uow.partners.prune_nonces(at - domain.NONCE_KEPT)
        uow.commit()
    return pruned
