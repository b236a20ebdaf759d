"""Rejections: staff rejected a flagged reading (readings.reading.rejected), so its preliminary charge is undone —
as a correction undoes the superseded reading's (`charging.replace_preliminary_charge`), without a new charge.

The event handler runs inside the transaction the kit's consumer opened; it neither opens nor commits it.
"""

from __future__ import annotations

import datetime as dt

from services.payments.domain import billing, model
from services.payments.service_layer.charging import ADJUSTMENT


def reverse_preliminary_charge(uow, reading: model.AcceptedReading, *, now: dt.datetime) -> model.LedgerEntry | None:
    """The rejected reading's preliminary charge (or the adjustment it became) is withdrawn — marked
    `replaced_by` itself, so the billing run counts neither its consumption nor reverses its entry — and its
    ledger entry reversed (`reverses`). Exactly once: None when it was withdrawn already (the same fact again)
    or the reading was never charged. If a run billed the reading meanwhile (its entry reversed by the run), the
    amount comes back as an adjustment of the next open period."""
    uow.ledger.lock_account(reading.account_id)
    charge = next((c for c in (uow.charges.for_reading(reading.reading_id, kind)
                               for kind in (model.PRELIMINARY, ADJUSTMENT)) if c is not None), None)
    if charge is None or not uow.charges.mark_replaced(charge.charge_id, charge.charge_id):
        return None
    supplier = uow.suppliers.get(reading.supplier_id)
    taken_in = reading.period or billing.period_of(reading.taken_at, supplier)
    # as a charge: either before a run of the period exists, or after it (then the run may have billed it)
    uow.billing.close_period_lock(reading.supplier_id, taken_in, shared=True)
    entry = uow.ledger.entry_of_charge(charge.charge_id)
    if entry is not None:
        reversal = model.LedgerEntry(
            account_id=entry.account_id, kind=entry.kind, amount_kop=-entry.amount_kop, posted_at=now,
            bucket=entry.bucket, period=entry.period, due_on=entry.due_on, reverses=entry.entry_id,
            description="Сторно предварительного начисления: показания отклонены")
    else:
        period = billing.open_period(taken_in, uow.billing.billed_periods(reading.supplier_id, taken_in))
        reversal = model.LedgerEntry(
            account_id=reading.account_id, kind=model.ADJUSTMENT, amount_kop=charge.amount_kop, posted_at=now,
            period=period, due_on=billing.due_date(period, supplier.payment_due_day if supplier else None),
            description="Корректировка: показания отклонены после начисления")
    uow.ledger.add(reversal)
    return reversal
