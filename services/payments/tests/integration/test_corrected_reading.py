"""readings.reading.corrected against real PostgreSQL: the superseded reading's preliminary charge is reversed
(`reverses`) and replaced, exactly once; the billing run counts the correction only."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from services.payments.domain.model import AcceptedReading
from services.payments.service_layer import charging
from services.payments.tests.integration import test_billing_run as billing_world
from services.payments.tests.integration.test_billing_run import NOV, NOW, taken

rt, world = billing_world.rt, billing_world.world  # the billing tests' fixtures: a supplier of the test's own


def corrected(w, account_id: str, **kwh) -> AcceptedReading:
    return AcceptedReading(reading_id=str(uuid.uuid4()), account_id=account_id, supplier_id=w.supplier_id,
                           category="urban_gas_stove", consumption={z: Decimal(v) for z, v in kwh.items()},
                           ratio=Decimal(1), taken_at=taken(10))


def replace(w, reading: AcceptedReading, corrects: str):
    with w.rt.uow() as uow:
        charge = charging.replace_preliminary_charge(uow, reading, corrects=corrects, now=NOW)
        uow.commit()
    return charge


def test_a_correction_reverses_the_old_charge_and_posts_the_new_one_once(world):
    w = world
    a = w.account()
    wrong = w.reading(a, taken(10), total="1000")
    right = corrected(w, a, total="100")

    charge = replace(w, right, wrong.reading_id)
    assert replace(w, right, wrong.reading_id) is None  # the same event again: nothing more

    assert (charge.kind, charge.period, charge.amount_kop) == ("preliminary", NOV, 100 * 600)
    rows = w.sql("SELECT amount_kop, reverses IS NOT NULL, description FROM ledger WHERE account_id = :a "
                 "ORDER BY posted_at, amount_kop", a=a)
    assert sorted((amount, reverses) for amount, reverses, _ in rows) == [
        (-1000 * 600, False), (-100 * 600, False), (1000 * 600, True)]
    [(balance,)] = w.sql("SELECT sum(amount_kop) FROM ledger WHERE account_id = :a", a=a)
    assert balance == -100 * 600
    [(replaced_by,)] = w.sql("SELECT replaced_by FROM charges WHERE charge_id = :c", c=wrong.charge_id)
    assert str(replaced_by) == charge.charge_id

    w.run(NOV)  # the run counts the correction, not the superseded reading, and reverses its entry only
    assert sum(line[4] for line in w.finals(NOV)[a]["lines"]) == Decimal(100)
    [(balance,)] = w.sql("SELECT sum(amount_kop) FROM ledger WHERE account_id = :a", a=a)
    assert balance == -w.finals(NOV)[a]["amount_kop"] == -(50 * 600 + 50 * 660)  # the tariff changed on the 16th


def test_a_correction_whose_old_reading_had_no_charge_is_charged_as_any_reading(world):
    w = world
    a = w.account()
    charge = replace(w, corrected(w, a, total="10"), str(uuid.uuid4()))
    assert charge.amount_kop == 10 * 600
    assert dt.date(2026, 11, 1) == charge.period


def test_a_correction_that_arrives_after_the_run_billed_the_old_reading_nets_the_difference(world):
    w = world
    a = w.account()
    wrong = w.reading(a, taken(10), total="1000")
    w.run(NOV)  # billed with the wrong reading before the correction reached payments
    [(billed,)] = w.sql("SELECT sum(amount_kop) FROM ledger WHERE account_id = :a", a=a)

    charge = replace(w, corrected(w, a, total="100"), wrong.reading_id)

    assert (charge.kind, charge.period) == ("adjustment", dt.date(2026, 12, 1))
    [(balance,)] = w.sql("SELECT sum(amount_kop) FROM ledger WHERE account_id = :a", a=a)
    assert balance == billed - 100 * 600 + 1000 * 600  # the correction charged, the wrong preliminary given back
