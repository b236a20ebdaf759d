"""Charging: a preliminary charge for every accepted reading (an adjustment of the next open period when its
own period is billed already), and the same charge previewed (the calculator).

The event handler runs inside the transaction the kit's consumer opened (together with the
processed-event record); it neither opens nor commits it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from kabinet_vocabulary import CHARGE_KIND

from services.payments.adapters import events
from services.payments.domain import billing, model

ADJUSTMENT = CHARGE_KIND.ADJUSTMENT  # a charge of a reading whose period was billed already


def post_preliminary_charge(uow, reading: model.AcceptedReading, *, now: dt.datetime) -> model.Charge | None:
    """Charge an accepted reading at the tariff in force on its date, book it on the ledger for the period
    it was taken in (the local month) and announce it. A reading of a period already billed is charged as
    an adjustment of the next open period. None if the reading was charged already (the same fact
    published again)."""
    posted = post_preliminary_charges(uow, [reading], now=now)
    return posted[0] if posted else None


def post_preliminary_charges(uow, readings: Sequence[model.AcceptedReading], *,
                             now: dt.datetime) -> list[model.Charge]:
    """post_preliminary_charge for the readings of a consumer's fetch together, in the same few statements
    whatever their number (the accounts locked, the readings charged already asked, the charges, lines and
    entries written, the balances read: one statement each). The charges posted, in the readings' order; none
    for a reading charged already or listed twice."""
    uow.ledger.lock_accounts([r.account_id for r in readings])
    seen = uow.charges.charged([r.reading_id for r in readings], (model.PRELIMINARY, ADJUSTMENT))
    planned = []  # (reading, supplier, tariff, the period it was taken in)
    for reading in readings:
        if reading.reading_id in seen:
            continue
        seen.add(reading.reading_id)
        supplier = uow.suppliers.get(reading.supplier_id)
        tariff = tariff_in_force(uow, supplier_id=reading.supplier_id, category=reading.category,
                                 moment=reading.taken_at, supplier=supplier)
        # readings names the period (a reading outside the window under "next_period" counts for the next one)
        planned.append((reading, supplier, tariff, reading.period or billing.period_of(reading.taken_at, supplier)))
    if not planned:  # every one charged already (the same facts published again)
        return []
    # A run of the period is either not started (it will supersede this charge) or sees the charge booked
    # to the next open period: the shared lock waits for a run being created (BillingStore.close_period_lock).
    billed = {}
    for supplier_id, taken_in in sorted({(r.supplier_id, taken_in) for r, _, _, taken_in in planned}):
        uow.billing.close_period_lock(supplier_id, taken_in, shared=True)
        billed[supplier_id, taken_in] = uow.billing.billed_periods(supplier_id, taken_in)
    posted = [_charge(reading, supplier, tariff, taken_in, billed[reading.supplier_id, taken_in], now=now)
              for reading, supplier, tariff, taken_in in planned]
    uow.charges.add_many([charge for charge, _ in posted])
    uow.ledger.add_many([entry for _, entry in posted])
    # each charge announces the balance right after it: the account's balance now less its later charges here
    balances = uow.ledger.balances_kop([charge.account_id for charge, _ in posted])
    announced = []
    for (charge, entry), (reading, *_) in zip(reversed(posted), reversed(planned), strict=True):
        balance = model.Balance(charge.account_id, balances[charge.account_id])
        announced.append(events.charge_posted(charge, user_id=reading.submitted_by, balance=balance))
        balances[charge.account_id] -= entry.amount_kop
    for event in reversed(announced):
        uow.emit(event)
    return [charge for charge, _ in posted]


def _charge(reading: model.AcceptedReading, supplier: model.Supplier | None, tariff: model.Tariff,
            taken_in: dt.date, billed: list[dt.date], *, now: dt.datetime) -> tuple[model.Charge, model.LedgerEntry]:
    """The charge of a reading taken in a period and its ledger entry: of that period while it is open, else an
    adjustment of the next open one (the billed period is not edited)."""
    period = billing.open_period(taken_in, billed)
    charge = model.preliminary_charge(tariff, reading, posted_at=now)
    due_on = billing.due_date(period, supplier.payment_due_day if supplier else None)
    if period == taken_in:
        charge = replace(charge, period=period)
        return charge, replace(model.LedgerEntry.for_charge(charge), period=period, due_on=due_on)
    charge = replace(charge, kind=ADJUSTMENT, period=period)
    return charge, replace(model.LedgerEntry.for_charge(charge), kind=model.ADJUSTMENT, period=period,
                           due_on=due_on, description=f"Корректировка за {billing.period_title(taken_in)}")


def replace_preliminary_charge(uow, reading: model.AcceptedReading, *, corrects: str,
                               now: dt.datetime) -> model.Charge | None:
    """readings.reading.corrected: the superseded reading's preliminary charge is replaced — its ledger entry
    reversed (`reverses`), the charge marked replaced (the billing run counts neither) — and the corrected
    reading charged as any accepted one. Exactly once: None if the correction was charged already."""
    uow.ledger.lock_account(reading.account_id)
    if uow.charges.charged([reading.reading_id], (model.PRELIMINARY, ADJUSTMENT)):
        return None
    # the superseded reading's charge: preliminary, or an adjustment when it arrived after its period was billed
    old = next((c for c in (uow.charges.for_reading(corrects, kind) for kind in (model.PRELIMINARY, ADJUSTMENT))
                if c is not None), None)
    # the reversal first, so that the balance the new charge announces has it
    entry = uow.ledger.entry_of_charge(old.charge_id) if old is not None else None
    if entry is not None:
        uow.ledger.add(model.LedgerEntry(
            account_id=entry.account_id, kind=entry.kind, amount_kop=-entry.amount_kop, posted_at=now,
            bucket=entry.bucket, period=entry.period, due_on=entry.due_on, reverses=entry.entry_id,
            description="Сторно предварительного начисления: показания исправлены"))
    charge = post_preliminary_charge(uow, reading, now=now)
    if old is not None and charge is not None:
        uow.charges.mark_replaced(old.charge_id, charge.charge_id)
        if entry is None:  # a run billed the old reading meanwhile: the correction is charged as an adjustment,
            # the old amount comes back with it
            supplier = uow.suppliers.get(reading.supplier_id)
            uow.ledger.add(model.LedgerEntry(
                account_id=reading.account_id, kind=model.ADJUSTMENT, amount_kop=old.amount_kop, posted_at=now,
                period=charge.period, due_on=billing.due_date(charge.period, supplier.payment_due_day if supplier
                                                              else None),
                description="Корректировка: показания исправлены после начисления"))
    return charge


def preview_charge(uow, *, supplier_id: str, category: str, ratio: Decimal, consumption: Mapping[str, Decimal],
                   as_of: dt.datetime) -> model.ChargePreview:
    """Калькулятор: the preliminary charge a reading taken at `as_of` would get, by the rules that charge
    it (`post_preliminary_charge`). Reads the tariffs only: nothing is written, nothing announced."""
    with uow:
        tariff = tariff_in_force(uow, supplier_id=supplier_id, category=category, moment=as_of)
    return model.preview_charge(tariff, consumption, ratio)


def tariff_in_force(uow, *, supplier_id: str, category: str, moment: dt.datetime,
                    supplier: model.Supplier | None = None) -> model.Tariff:
    """The supplier's tariff for the category in force on the moment's local date (in the supplier's zone;
    `supplier`: its projected facts when the caller has them already)."""
    versions = uow.tariffs.for_category(supplier_id, category)
    on = model.local_date(moment, supplier or uow.suppliers.get(supplier_id))
    return model.choose_tariff(versions, supplier_id=supplier_id, category=category, on=on)
