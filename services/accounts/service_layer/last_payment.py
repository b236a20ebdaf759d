"""The last-payment loop: a payment that reached payments' ledger becomes a binding proof here, so a customer
who has just paid can bind the account with that payment."""

from __future__ import annotations

import logging

from services.accounts.domain.payments import ledger_external_id, posted_payment

log = logging.getLogger("services.accounts.last_payment")


def record_posted_payment(uow, *, entry_id: str, account_id: str, paid_on: str, amount_kop: int,
                          channel: str) -> bool:
    """payments.payment.posted (an event handler; the kit commits): the payment is kept once per ledger
    entry. False when it is not a payment (a refund) or the account is not known here."""
    proof = posted_payment(paid_on=paid_on, amount_kop=amount_kop)
    if proof is None:
        return False
    if not uow.accounts.exists(account_id):
        log.warning("posted payment of an unknown account skipped", extra={"ctx_account_id": account_id})
        return False
    uow.accounts.add_payment_once(account_id, proof[0], proof[1], channel, ledger_external_id(entry_id))
    return True
