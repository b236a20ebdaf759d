"""Charging: a preliminary charge for every accepted reading, and the tariffs and opening balances
charging starts from.

The event handler runs inside the transaction the kit's consumer opened (together with the
processed-event record); it neither opens nor commits it. The loader opens and commits its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from services.payments.adapters import events
from services.payments.domain import model
from services.payments.domain import tariffs as master


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
    balance = model.Balance(reading.account_id, uow.ledger.balance_kop(reading.account_id))
    uow.emit(events.charge_posted(charge, user_id=reading.submitted_by, balance=balance))
    return charge


def load_tariffs_and_openings(uow, tariffs: list[model.Tariff], openings: dict[str, int], *,
                              now: dt.datetime, categories: Iterable[master.CustomerCategory] = ()) -> int:
    """Put the categories that are missing, tariffs (replacing those with the same id; their suppliers get
    the default zone schedule unless they have one) and opening balances of accounts that have none yet;
    returns how many openings were added. Idempotent (demo data, registries)."""
    with uow:
        for category in categories:
            uow.categories.put_missing(category)
        for tariff in tariffs:
            uow.tariffs.put(tariff)
            uow.schedules.put_missing(tariff.supplier_id, master.DEFAULT_ZONE_SCHEDULE)
        added = sum(uow.ledger.add_opening_once(model.LedgerEntry.opening(account_id, amount, now))
                    for account_id, amount in openings.items())
        uow.commit()
    return added
