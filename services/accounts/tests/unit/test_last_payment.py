"""Payments that reached the ledger as binding proofs: the parts of one payment are one sum, no third-party
grace, the billing system's later copy is the same payment, refunds are no proof."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import InvalidInput
from services.accounts.domain.model import CABINET, Payment, expected_payment
from services.accounts.domain.payments import as_proofs, ledger_external_id, posted_payment

DAY = dt.date(2026, 12, 1)


def test_the_buckets_of_one_payment_are_one_proof_known_at_once():
    rows = [(DAY, 120000, "bank", ledger_external_id("e1")), (DAY, 30000, "bank", ledger_external_id("e2")),
            (dt.date(2026, 10, 20), 98000, "bank", "demo:1")]
    proofs = as_proofs(rows)
    assert Payment(DAY, 150000, CABINET) in proofs
    assert expected_payment(proofs, DAY + dt.timedelta(days=1)) == Payment(DAY, 150000, CABINET)


def test_the_billing_systems_copy_of_a_ledger_payment_is_not_a_second_one():
    rows = [(DAY, 150000, "cabinet", ledger_external_id("e1")), (DAY, 150000, "third_party", "billing:77"),
            (DAY, 500, "cash", "billing:78")]
    assert sorted(as_proofs(rows), key=lambda p: p.amount_kop) == [Payment(DAY, 500, "cash"),
                                                                    Payment(DAY, 150000, CABINET)]


def test_registry_payments_stay_as_they_are():
    rows = [(DAY, 100, "third_party", "r1"), (DAY, 200, "third_party", "r2"), (DAY, 300, "cabinet", None)]
    assert [p.amount_kop for p in as_proofs(rows)] == [100, 200, 300]


def test_a_posted_refund_is_no_proof_and_a_bad_date_is_poison():
    assert posted_payment(paid_on="2026-12-01", amount_kop=150000) == (DAY, 150000)
    assert posted_payment(paid_on="2026-12-01", amount_kop=-500) is None
    assert posted_payment(paid_on="2026-12-01", amount_kop=0) is None
    with pytest.raises(InvalidInput):
        posted_payment(paid_on="01.12.2026", amount_kop=1)
