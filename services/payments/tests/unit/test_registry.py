"""The registry's money rows: what a row must say, and the reasons (Russian) when it does not."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.registry import Parsed, RowError
from services.payments.domain import registry as reg
from services.payments.domain.registry import Resolution

SUPPLIER = "2a848f89-cd7d-5192-a0d1-e4c35663d673"
ACCOUNT = "b96f0cb8-a399-516a-b116-c9c892ea28e0"


def row(**cells) -> dict:
    return {"supplier_code": "012", "account_number": "12-10000001"} | cells


def test_a_balance_is_signed_as_the_cabinet_shows_it_and_only_a_debt_has_a_due_date():
    debt = reg.balance_row(2, row(amount="-1 450,75", due_on="10.11.2026", as_of="2026-11-01"))
    assert (debt.amount_kop, debt.bucket, debt.due_on, debt.as_of) == (
        -145075, "energy", dt.date(2026, 11, 10), dt.date(2026, 11, 1))
    assert reg.balance_row(3, row(amount="150", bucket="PENALTIES")).bucket == "penalties"
    for cells, reason in ((row(amount="150", due_on="2026-11-10"), "только у долга"),
                          (row(amount="1,234"), "2 знаков"), (row(amount="много"), "ожидается число"),
                          (row(amount="-1", bucket="gas"), "energy или penalties"),
                          (row(amount=""), "сумма"), (row(amount="1", account_number="-"), "лицевого счёта")):
        with pytest.raises(RowError, match=reason):
            reg.balance_row(4, cells)


def test_ledger_ids_name_one_fact_per_account_or_per_supplier_id():
    plain = reg.balance_row(2, row(amount="-1")).__class__
    base = dict(line=2, supplier_code="012", account_number="12-10000001", amount_kop=-1, as_of=None,
                account_id=ACCOUNT)
    assert plain(**base, bucket="energy", due_on=None, external_id="").ledger_external_id(SUPPLIER) == \
        f"opening:{ACCOUNT}"  # as LedgerEntry.opening names an account's one opening
    assert plain(**base, bucket="energy", due_on=dt.date(2026, 9, 10), external_id="").ledger_external_id(
        SUPPLIER) == f"opening:{ACCOUNT}:energy:2026-09-10"
    assert plain(**base, bucket="energy", due_on=None, external_id="B-1").ledger_external_id(SUPPLIER) == \
        f"opening:{SUPPLIER}:B-1"
    payment = reg.payment_row(2, row(paid_on="15.10.2026", amount="1450,75", channel=""))
    assert (payment.channel, payment.external_id) == ("bank", "012:12-10000001:2026-10-15:145075:bank")
    with pytest.raises(RowError, match="Канал оплаты"):
        reg.payment_row(2, row(paid_on="2026-10-15", amount="1", channel="pigeon"))


def test_a_tariff_row_has_a_price_column_per_zone_and_the_staff_apis_rules():
    parsed = reg.tariff_row(2, {"supplier_code": "012", "category": "rural", "valid_from": "01.01.2027",
                                "one_zone": "5,5", "two_zone_day": "6", "two_zone_night": "3"})
    assert parsed.prices == {"1": {"total": "5,5"}, "2": {"day": "6", "night": "3"}}
    tariff = reg.new_tariff(parsed, SUPPLIER, category_known=True)
    assert tariff.valid_from == dt.date(2027, 1, 1) and tariff.tariff_id == reg.new_tariff(
        parsed, SUPPLIER, category_known=True).tariff_id  # the same version, the same id
    half = reg.tariff_row(3, {"supplier_code": "012", "category": "rural", "valid_from": "2027-01-01",
                              "two_zone_day": "6"})
    with pytest.raises(RowError, match="two_zone_day, two_zone_night"):
        reg.new_tariff(half, SUPPLIER, category_known=True)
    with pytest.raises(RowError, match="Нет ни одной цены"):
        reg.tariff_row(4, {"supplier_code": "012", "category": "rural", "valid_from": "2027-01-01"})


def test_rows_of_unknown_suppliers_or_accounts_and_repeated_facts_are_rejected():
    rows = [reg.balance_row(n, row(amount="-1", account_number=number, supplier_code=code))
            for n, (code, number) in enumerate([("012", "12-10000001"), ("012", "012-010000001"),
                                                ("013", "12-10000001"), ("012", "12-99")], start=2)]
    parsed = Parsed(rows=rows)
    known = Resolution(SUPPLIER, {"12-10000001": ACCOUNT, "012-010000001": ACCOUNT})
    good = reg.resolved(parsed, lambda code: SUPPLIER if code == "012" else "",
                        lambda code, number: known.accounts.get(number))
    assert [r.line for r in good] == [2]
    assert [(r.line, r.reason.split()[0]) for r in parsed.rejected] == [(3, "Повтор"), (4, "Неизвестный"),
                                                                        (5, "Лицевой")]
