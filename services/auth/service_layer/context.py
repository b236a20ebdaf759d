"""What every auth use case needs besides a unit of work: the server's secrets and its clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Context:
    pepper: str                                   # HMAC key of codes at rest, seal key of TOTP secrets
    public_url: str = "http://127.0.0.1:8080"     # the web origin e-mail links point at
    partner_kek: bytes = b""                      # seals partners' HMAC secrets (KABINET_PARTNER_KEK)
    partner_key_overlap_hours: int = 24           # older partner keys keep working this long after a rotation


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
