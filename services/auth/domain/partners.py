"""Partners (партнёры: payment agents, banks, SMS gateways, АИИС КУЭ operators): identities that sign their requests with a key
instead of signing in. What a partner is, when a key works, and when a signed request is fresh."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from kit import partner_signing
from kit.errors import InvalidInput, Unauthenticated
from kit.ids import is_uuid

PARTNER = "partner"                                 # the access token's kind
KINDS = ("payment_agent", "bank", "sms_gateway", "metering")  # metering: an АИИС КУЭ operator's feed
NAME_MAX = 200
SKEW = dt.timedelta(minutes=5)                      # a timestamp this far from our clock, either way, is stale
NONCE_KEPT = 2 * SKEW                               # a nonce older than this can never be replayed: its
                                                    # request is refused as stale anyway, so it is pruned
NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_OVERLAP_HOURS = 168                             # a week: rotation is not a way to keep two keys forever


@dataclass(frozen=True)
class PartnerKey:
    key_id: str
    created_at: dt.datetime
    expires_at: dt.datetime | None = None           # set when a newer key replaced it (after the overlap)
    revoked_at: dt.datetime | None = None

    def usable(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


@dataclass(frozen=True)
class Partner:
    partner_id: str
    name: str
    kind: str
    supplier_id: str = ""                           # "": any supplier; else the only one it acts for
    active: bool = True
    created_at: dt.datetime | None = None
    keys: tuple[PartnerKey, ...] = ()               # newest first

    @property
    def roles(self) -> tuple[str, ...]:
        """The token's roles: its kind, and "supplier:<id>" when it is scoped to one supplier."""
        return (self.kind, f"supplier:{self.supplier_id}") if self.supplier_id else (self.kind,)


def new_partner_fields(*, name: str, kind: str, supplier_id: str) -> tuple[str, str, str]:
    """The name (trimmed, 1-200 characters), kind (a closed list) and optional supplier scope of a new partner."""
    errors: dict[str, tuple[str, str]] = {}
    name = (name or "").strip()
    if not 1 <= len(name) <= NAME_MAX:
        errors["name"] = ("invalid_partner_name", f"Название партнёра: от 1 до {NAME_MAX} символов.")
    if kind not in KINDS:
        errors["kind"] = ("invalid_partner_kind", "Тип партнёра: payment_agent, bank, sms_gateway или metering.")
    if supplier_id and not is_uuid(supplier_id):
        errors["supplier_id"] = ("invalid_supplier_id", "Неверный идентификатор поставщика.")
    if errors:
        code = next(iter(errors.values()))[0] if len(errors) == 1 else "invalid_input"
        raise InvalidInput("Проверьте данные партнёра.", code=code,
                           fields={name_: message for name_, (_, message) in errors.items()})
    return name, kind, supplier_id


def overlap(hours: int | None, default_hours: int) -> dt.timedelta:
    """How long the older keys keep working after a rotation."""
    hours = default_hours if hours is None else hours
    if not 0 <= hours <= MAX_OVERLAP_HOURS:
        raise InvalidInput(f"Перекрытие ключей: от 0 до {MAX_OVERLAP_HOURS} часов.", code="invalid_overlap",
                           fields={"overlap_hours": f"От 0 до {MAX_OVERLAP_HOURS} часов."})
    return dt.timedelta(hours=hours)


def new_key() -> tuple[str, str]:
    """(key_id, secret): the id is public (sent with every request), the secret is shown once."""
    return f"pk_{secrets.token_hex(12)}", f"sk_{secrets.token_urlsafe(32)}"


# --- a signed request ---

class PartnerRefused(Unauthenticated):
    """A signed request that does not hold. The caller learns only the class (the code); `reason` is for
    auth's log."""

    message = "Подпись запроса партнёра не принята."

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(code=code)
        self.reason = reason


def unknown_key(reason: str) -> PartnerRefused:
    return PartnerRefused("unknown_key", reason)


@dataclass(frozen=True)
class SignedRequest:
    key_id: str
    method: str
    path: str
    timestamp: str
    nonce: str
    body_sha256: str
    signature: str


def check_signature(req: SignedRequest, secret: str) -> None:
    """The signature must be the key's over the canonical string (kit.partner_signing, written once)."""
    if not partner_signing.signature_matches(secret, req.signature, req.method, req.path, req.timestamp,
                                             req.nonce, req.body_sha256):
        raise PartnerRefused("invalid_signature", "signature mismatch")


def check_fresh(req: SignedRequest, now: dt.datetime) -> None:
    """Unix seconds within SKEW of our clock, either way, and a nonce of the agreed shape."""
    if not NONCE_RE.match(req.nonce or ""):
        raise PartnerRefused("invalid_signature", "malformed nonce")
    if not re.fullmatch(r"\d{1,12}", req.timestamp or ""):
        raise PartnerRefused("stale_timestamp", "malformed timestamp")
    drift = abs(now.timestamp() - int(req.timestamp))
    if drift > SKEW.total_seconds():
        raise PartnerRefused("stale_timestamp", f"clock drift {drift:.0f} s")
