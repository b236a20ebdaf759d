"""Partners, their keys (secrets sealed with the key-encryption key) and the nonces they have used; auth's
audit log of staff actions on them."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.auth.adapters.orm import partner_keys, partner_nonces, partners
from services.auth.domain.partners import Partner, PartnerKey

# --- the key-encryption key ---

def parse_kek(value: str) -> bytes:
    """KABINET_PARTNER_KEK: 32 bytes, base64 (standard or URL-safe, padding optional)."""
    try:
        raw = base64.urlsafe_b64decode(value.replace("+", "-").replace("/", "_") + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValueError("KABINET_PARTNER_KEK must be 32 bytes in base64")
    return raw


def seal(kek: bytes, key_id: str, secret: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    return "v1." + (nonce + AESGCM(kek).encrypt(nonce, secret.encode(), key_id.encode())).hex()


def unseal(kek: bytes, key_id: str, sealed: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = bytes.fromhex(sealed.removeprefix("v1."))
    return AESGCM(kek).decrypt(raw[:12], raw[12:], key_id.encode()).decode()


class Partners:
    def __init__(self, db: Session) -> None:
        self.db = db

    def add(self, partner: Partner) -> None:
        self.db.execute(partners.insert().values(
            partner_id=partner.partner_id, name=partner.name, kind=partner.kind,
            supplier_id=partner.supplier_id or None, active=partner.active))

    def add_key(self, partner_id: str, key_id: str, sealed: str) -> None:
        self.db.execute(partner_keys.insert().values(key_id=key_id, partner_id=partner_id, secret_sealed=sealed))

    def get(self, partner_id: str, *, lock: bool = False) -> Partner | None:
        query = select(partners).where(partners.c.partner_id == partner_id)
        row = self.db.execute(query.with_for_update() if lock else query).mappings().first()
        return self._with_keys([row])[0] if row else None

    def all(self) -> list[Partner]:
        return self._with_keys(self.db.execute(select(partners).order_by(partners.c.name)).mappings().all())

    def key(self, key_id: str) -> tuple[Partner, PartnerKey, str] | None:
        """The key's partner (without its other keys), the key, and its sealed secret."""
        row = self.db.execute(select(partner_keys, partners.c.name, partners.c.kind, partners.c.supplier_id,
                                     partners.c.active)
                              .join(partners, partners.c.partner_id == partner_keys.c.partner_id)
                              .where(partner_keys.c.key_id == key_id)).mappings().first()
        if row is None:
            return None
        partner = Partner(partner_id=row["partner_id"], name=row["name"], kind=row["kind"],
                          supplier_id=row["supplier_id"] or "", active=row["active"])
        return partner, _key(row), row["secret_sealed"]

    def expire_keys(self, partner_id: str, at: dt.datetime) -> None:
        """Every key of the partner that would outlive `at` stops then."""
        t = partner_keys.c
        self.db.execute(update(partner_keys).where(
            t.partner_id == partner_id, t.revoked_at.is_(None), (t.expires_at.is_(None)) | (t.expires_at > at))
            .values(expires_at=at))

    def revoke_key(self, partner_id: str, key_id: str, at: dt.datetime) -> bool:
        """False when the partner has no such key; revoking twice keeps the first time."""
        t = partner_keys.c
        found = self.db.execute(select(t.revoked_at).where(t.partner_id == partner_id, t.key_id == key_id)).first()
        if found is None:
            return False
        if found.revoked_at is None:
            self.db.execute(update(partner_keys).where(t.key_id == key_id).values(revoked_at=at))
        return True

    def set_active(self, partner_id: str, active: bool) -> None:
        self.db.execute(update(partners).where(partners.c.partner_id == partner_id).values(active=active))

    def use_nonce(self, key_id: str, nonce: str) -> bool:
        """Insert-once: False when this key has used this nonce before."""
        inserted = self.db.execute(pg_insert(partner_nonces).values(key_id=key_id, nonce=nonce)
                                   .on_conflict_do_nothing().returning(partner_nonces.c.nonce)).first()
        return inserted is not None

    def prune_nonces(self, before: dt.datetime) -> int:
        return self.db.execute(delete(partner_nonces).where(partner_nonces.c.seen_at < before)).rowcount

    def _with_keys(self, rows) -> list[Partner]:
        ids = [r["partner_id"] for r in rows]
        keys: dict[str, list[PartnerKey]] = {}
        for k in self.db.execute(select(partner_keys).where(partner_keys.c.partner_id.in_(ids))
                                 .order_by(partner_keys.c.created_at.desc(), partner_keys.c.key_id)).mappings():
            keys.setdefault(k["partner_id"], []).append(_key(k))
        return [Partner(partner_id=r["partner_id"], name=r["name"], kind=r["kind"], supplier_id=r["supplier_id"] or "",
                        active=r["active"], created_at=r["created_at"], keys=tuple(keys.get(r["partner_id"], ())))
                for r in rows]


def _key(row) -> PartnerKey:
    return PartnerKey(key_id=row["key_id"], created_at=row["created_at"], expires_at=row["expires_at"],
                      revoked_at=row["revoked_at"])
