"""Use cases of the payments service.

API use cases open and commit their own unit of work. Event handlers run inside
the transaction the kit's consumer opened (together with the processed-event
record); they neither open nor commit it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Protocol

from kabinet.payments.v1 import payments_pb2 as pb

from kit.errors import NotFound
from kit.events import Event
from services.payments.domain import model


class AccountsPort(Protocol):
    def check_access(self, account_id: str) -> None:
        """Returns if the caller may act on the account; raises NotFound or Forbidden otherwise."""


# --- events -------------------------------------------------------------------

def post_preliminary_charge(uow, reading: model.AcceptedReading, *, now: dt.datetime) -> model.Charge | None:
    """Charge an accepted reading at the tariff in force on its date, book it on the ledger and
    announce it. None if the reading was charged already (the same fact published again)."""
    uow.ledger.lock_account(reading.account_id)
    if uow.charges.for_reading(reading.reading_id, model.PRELIMINARY) is not None:
        return None
    tariffs = uow.tariffs.for_category(reading.supplier_id, reading.category)
    tariff = model.choose_tariff(tariffs, supplier_id=reading.supplier_id, category=reading.category,
                                 on=model.local_date(reading.taken_at))
    charge = model.preliminary_charge(tariff, reading, posted_at=now)
    uow.charges.add(charge)
    uow.ledger.add(model.LedgerEntry.for_charge(charge))
    balance = uow.ledger.balance_kop(reading.account_id)
    uow.emit(charge_posted(charge, user_id=reading.submitted_by, balance_kop=balance))
    return charge


def charge_posted(charge: model.Charge, *, user_id: str, balance_kop: int) -> Event:
    return Event(type="payments.charge.posted", aggregate_id=charge.account_id, payload=pb.ChargePosted(
        charge_id=charge.charge_id, account_id=charge.account_id, kind=charge.kind, amount_kop=charge.amount_kop,
        reading_id=charge.reading_id or "", user_id=user_id, balance_kop=balance_kop))


# --- API ----------------------------------------------------------------------

def get_balance(uow, accounts: AccountsPort, *, user_id: str, account_id: str) -> model.Balance:
    with uow:
        _allowed(uow, accounts, user_id, account_id)
        return model.Balance(account_id=account_id, balance_kop=uow.ledger.balance_kop(account_id))


def list_charges(uow, accounts: AccountsPort, *, user_id: str, account_id: str, limit: int) -> list[model.Charge]:
    with uow:
        _allowed(uow, accounts, user_id, account_id)
        return uow.charges.list_for_account(account_id, limit)


def _allowed(uow, accounts: AccountsPort, user_id: str, account_id: str) -> None:
    """The projection of bindings answers yes; otherwise accounts decides (and may refuse)."""
    try:
        uuid.UUID(account_id)
    except ValueError:
        raise NotFound("Лицевой счёт не найден.", code="account_not_found") from None
    if not uow.access.is_bound(user_id, account_id):
        accounts.check_access(account_id)


# --- demo and registries --------------------------------------------------------

def load_tariffs_and_openings(uow, tariffs: list[model.Tariff], openings: dict[str, int], *,
                              now: dt.datetime) -> int:
    """Put tariffs (replacing those with the same id) and opening balances of accounts that have
    none yet; returns how many openings were added. Idempotent."""
    with uow:
        for tariff in tariffs:
            uow.tariffs.put(tariff)
        added = sum(uow.ledger.add_opening_once(model.LedgerEntry.opening(account_id, amount, now))
                    for account_id, amount in openings.items())
        uow.commit()
    return added
