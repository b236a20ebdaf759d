"""Payments as binding proofs: those the billing system's registry lists, and those that reached payments'
ledger (payments.payment.posted — the cabinet, partners, bank registries), so that a customer can bind an
account with the payment they just made.

A ledger payment is kept per ledger entry (exactly once per entry id). One payment split between the energy
and penalties buckets is two entries; the customer names it as one sum, so the entries of one day and
channel count as one payment. A payment that reached the ledger is known here at once, so the third-party
grace (model.expected_payment waits 14 days for the billing system to learn of a bank payment) does not
apply to it; and the billing system's later copy of it (same day, same amount) is the same payment.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from kit.errors import InvalidInput
from services.accounts.domain.model import CABINET, Payment

LEDGER = "ledger:"  # external ids of payments that came from payments' ledger


def ledger_external_id(entry_id: str) -> str:
    return f"{LEDGER}{entry_id}"


def posted_payment(*, paid_on: str, amount_kop: int) -> tuple[dt.date, int] | None:
    """payments.payment.posted -> (date, amount) of a proof; None for a refund or a reversal (not a payment)."""
    if amount_kop <= 0:
        return None
    try:
        return dt.date.fromisoformat(paid_on), amount_kop
    except ValueError:
        raise InvalidInput("paid_on is not a date", code="malformed_event") from None


def as_proofs(rows: list[tuple[dt.date, int, str, str | None]]) -> list[Payment]:
    """(paid_on, amount_kop, channel, external_id) rows of an account -> the payments a customer may name."""
    ledger: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    registry: list[Payment] = []
    for paid_on, amount, channel, external_id in rows:
        if (external_id or "").startswith(LEDGER):
            ledger[paid_on][channel] += amount
        else:
            registry.append(Payment(date=paid_on, amount_kop=amount, channel=channel))
    known = [Payment(date=day, amount_kop=total, channel=CABINET)
             for day, by_channel in ledger.items() for total in by_channel.values()]
    seen = {(p.date, p.amount_kop) for p in known}
    return known + [p for p in registry if (p.date, p.amount_kop) not in seen]
