"""Money in: the one way a payment reaches the ledger, whoever brings it (the card provider, a partner, a
bank's registry). Exactly once per outside fact: the ledger's unique `external_id` decides, so a replayed
notification, a partner's retried `pay` or a registry posted twice books nothing the second time."""

from __future__ import annotations

import datetime as dt

from services.payments.adapters import events
from services.payments.domain import model


def post_payment(uow, *, account_id: str, bucket: str, amount_kop: int, channel: str, external_id: str,
                 paid_on: dt.date, posted_at: dt.datetime, description: str, kind: str = model.PAYMENT) -> str | None:
    """Books `amount_kop` (> 0 pays; a refund is kind REFUND with amount < 0) into the account's `bucket` in
    the caller's transaction and announces it (payments.payment.posted). Returns the new entry's id, or None
    when `external_id` is on the ledger already (nothing is written)."""
    uow.ledger.lock_account(account_id)
    entry = model.LedgerEntry(account_id=account_id, kind=kind, amount_kop=amount_kop, posted_at=posted_at,
                              bucket=bucket, external_id=external_id, channel=channel, paid_on=paid_on,
                              description=description)
    if not uow.ledger.add_once(entry):
        return None
    balance = model.Balance(account_id, uow.ledger.balance_kop(account_id))
    uow.emit(events.payment_posted(entry.entry_id, account_id=account_id, amount_kop=amount_kop, bucket=bucket,
                                   channel=channel, paid_on=paid_on.isoformat(), balance=balance))
    return entry.entry_id
