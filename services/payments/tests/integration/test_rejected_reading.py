"""readings.reading.rejected against real PostgreSQL: the rejected reading's preliminary charge is reversed
(`reverses`) and withdrawn exactly once, the billing run counts neither; a rejection that arrives after the run
billed the reading gives the amount back as an adjustment of the next open period."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from services.payments.domain.model import AcceptedReading
from services.payments.service_layer.rejections import reverse_preliminary_charge
from services.payments.tests.integration import test_billing_run as billing_world
from services.payments.tests.integration.test_billing_run import NOV, NOW, taken

rt, world = billing_world.rt, billing_world.world  # the billing tests' fixtures: a supplier of the test's own


def rejected(w, account_id: str, reading_id: str) -> AcceptedReading:
    return AcceptedReading(reading_id=reading_id, account_id=account_id, supplier_id=w.supplier_id,
                           category="urban_gas_stove", consumption={"total": Decimal(1000)}, ratio=Decimal(1),
                           taken_at=taken(12), period=NOV)


def reject(w, reading: AcceptedReading):
    with w.rt.uow() as uow:
        entry = reverse_preliminary_charge(uow, reading, now=NOW)
        uow.commit()
    return entry


def balance(w, account_id: str) -> int:
    [(total,)] = w.sql("SELECT coalesce(sum(amount_kop), 0) FROM ledger WHERE account_id = :a", a=account_id)
    return total


def test_a_rejection_reverses_the_preliminary_charge_once_and_the_run_counts_neither(world):
    w = world
    a = w.account()
    kept = w.reading(a, taken(10), total="100")
    wrong = w.reading(a, taken(12), total="1000")
    assert balance(w, a) == -(100 + 1000) * 600

    reversal = reject(w, rejected(w, a, wrong.reading_id))
    assert reject(w, rejected(w, a, wrong.reading_id)) is None  # the same fact again: nothing more

    assert (reversal.amount_kop, reversal.period, reversal.description) == (
        1000 * 600, NOV, "Сторно предварительного начисления: показания отклонены")
    assert balance(w, a) == -100 * 600
    [(replaced_by,)] = w.sql("SELECT replaced_by FROM charges WHERE charge_id = :c", c=wrong.charge_id)
    assert str(replaced_by) == wrong.charge_id  # withdrawn: replaced by nothing but itself
    [(reverses,)] = w.sql("SELECT count(*) FROM ledger WHERE account_id = :a AND reverses IS NOT NULL", a=a)
    assert reverses == 1

    w.run(NOV)  # the run bills the kept reading only and reverses only its preliminary entry
    assert sum(line[4] for line in w.finals(NOV)[a]["lines"]) == Decimal(100)
    assert balance(w, a) == -w.finals(NOV)[a]["amount_kop"]
    assert kept.amount_kop == 100 * 600


def test_a_reading_never_charged_has_nothing_to_reverse(world):
    w = world
    assert reject(w, rejected(w, w.account(), str(uuid.uuid4()))) is None


def test_a_rejection_after_the_run_billed_the_reading_gives_the_amount_back_in_the_next_period(world):
    w = world
    a = w.account()
    wrong = w.reading(a, taken(12), total="1000")
    w.run(NOV)  # billed with the wrong reading before the rejection reached payments
    billed = balance(w, a)

    back = reject(w, rejected(w, a, wrong.reading_id))

    assert (back.kind, back.period, back.amount_kop, back.reverses) == (
        "adjustment", dt.date(2026, 12, 1), 1000 * 600, None)
    assert balance(w, a) == billed + 1000 * 600
    assert reject(w, rejected(w, a, wrong.reading_id)) is None
