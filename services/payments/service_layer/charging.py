"""Charging: a preliminary charge for every accepted reading, the same charge previewed (the calculator),
and the tariffs and opening balances charging starts from.

The event handler runs inside the transaction the kit's consumer opened (together with the
processed-event record); it neither opens nor commits it. The loader opens and commits its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from services.payments.adapters import events
from services.payments.domain import model
from services.payments.domain import tariffs as master


def post_preliminary_charge(uow, reading: model.AcceptedReading, *, now: dt.datetime) -> model.Charge | None:
    """Charge an accepted reading at the tariff in force on its date, book it on the ledger and
    announce it. None if the reading was charged already (the same fact published again)."""
    uow.ledger.lock_account(reading.account_id)
    if uow.charges.for_reading(reading.reading_id, model.PRELIMINARY) is not None:
        return None
    tariff = tariff_in_force(uow, supplier_id=reading.supplier_id, category=reading.category,
                             moment=reading.taken_at)
    charge = model.preliminary_charge(tariff, reading, posted_at=now)
    uow.charges.add(charge)
    uow.ledger.add(model.LedgerEntry.for_charge(charge))
    balance = model.Balance(reading.account_id, uow.ledger.balance_kop(reading.account_id))
    uow.emit(events.charge_posted(charge, user_id=reading.submitted_by, balance=balance))
    return charge


def preview_charge(uow, *, supplier_id: str, category: str, ratio: Decimal, consumption: Mapping[str, Decimal],
                   as_of: dt.datetime) -> model.ChargePreview:
    """Калькулятор: the preliminary charge a reading taken at `as_of` would get, by the rules that charge
    it (`post_preliminary_charge`). Reads the tariffs only: nothing is written, nothing announced."""
    with uow:
        tariff = tariff_in_force(uow, supplier_id=supplier_id, category=category, moment=as_of)
    return model.preview_charge(tariff, consumption, ratio)


def tariff_in_force(uow, *, supplier_id: str, category: str, moment: dt.datetime) -> model.Tariff:
    """The supplier's tariff for the category in force on the moment's local date (in the supplier's zone)."""
    versions = uow.tariffs.for_category(supplier_id, category)
    on = model.local_date(moment, uow.suppliers.get(supplier_id))
    return model.choose_tariff(versions, supplier_id=supplier_id, category=category, on=on)


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
