"""The payment-agent protocol's rules and the bank registry's: amounts, the same txn id again, cancel on the same
day, the registry file (rows, totals) and the reconciliation of each row."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kit.context import Caller
from kit.errors import Conflict, Forbidden, InvalidInput
from services.payments.domain import bank_registry as reg
from services.payments.domain import partner_payments as pp
from services.payments.service_layer.partner_payments import partner_supplier, payment_agent

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
SUPPLIER = "5b0c1a7e-0000-4000-8000-000000000012"
MSK = ZoneInfo("Europe/Moscow")


def request(**kw) -> pp.PayRequest:
    args = dict(txn_id="T-1", account_number="12-12345678", supplier_id=SUPPLIER, amount_kop=145075,
                penalties_kop=0, paid_at="", now=NOW) | kw
    return pp.pay_request(**args)


def payment(**kw) -> pp.PartnerPayment:
    args = dict(payment_id="p", partner_id="bank", txn_id="T-1", supplier_id=SUPPLIER, account_id="a",
                account_number="12-12345678", amount_kop=145075, energy_kop=145075, penalties_kop=0, paid_at=NOW,
                paid_on=NOW.date(), posted_at=NOW, request_hash=request().request_hash) | kw
    return pp.PartnerPayment(**args)


# --- pay ---

def test_one_amount_pays_energy_unless_a_part_is_named_for_penalties():
    assert pp.split(10000) == {"energy": 10000}
    assert pp.split(10000, 2500) == {"energy": 7500, "penalties": 2500}
    assert pp.split(10000, 10000) == {"penalties": 10000}


@pytest.mark.parametrize(("field", "kw"), [
    ("txn_id", {"txn_id": ""}), ("txn_id", {"txn_id": "с пробелом"}), ("txn_id", {"txn_id": "a/b"}), ("txn_id", {"txn_id": "x" * 65}),
    ("amount_kop", {"amount_kop": 0}), ("amount_kop", {"amount_kop": -5}),
    ("amount_kop", {"amount_kop": pp.MAX_AMOUNT_KOP + 1}), ("penalties_kop", {"penalties_kop": 145076}),
    ("penalties_kop", {"penalties_kop": -1}), ("supplier_id", {"supplier_id": "012"}),
    ("account_number", {"account_number": "  "}), ("paid_at", {"paid_at": "2026-12-03 10:00"}),
    ("paid_at", {"paid_at": "2026-12-04T12:00:00+00:00"}),
])
def test_a_pay_request_with_a_bad_field_is_refused_by_field(field, kw):
    with pytest.raises(InvalidInput) as refused:
        request(**kw)
    assert refused.value.code == "invalid_payment" and field in refused.value.fields


def test_the_same_txn_id_with_the_same_request_is_the_first_payment():
    known = payment()
    assert pp.same_request(known, request()) is known


@pytest.mark.parametrize("kw", [{"amount_kop": 145076}, {"account_number": "12-00000001"}, {"penalties_kop": 100},
                                {"paid_at": "2026-12-03T10:00:00+03:00"}])
def test_the_same_txn_id_with_another_request_is_a_conflict(kw):
    with pytest.raises(Conflict) as refused:
        pp.same_request(payment(), request(**kw))
    assert refused.value.code == "transaction_conflict"


def test_a_payment_posted_from_a_registry_is_the_same_as_a_pay_of_its_account_and_amount():
    known = payment(channel=pp.REGISTRY, request_hash="")
    assert pp.same_request(known, request(paid_at="2026-12-03T10:00:00+03:00")) is known
    with pytest.raises(Conflict):
        pp.same_request(known, request(amount_kop=1))


def test_cancel_only_on_the_day_the_payment_was_accepted_in_the_suppliers_zone():
    accepted = payment(posted_at=dt.datetime(2026, 12, 3, 20, 30, tzinfo=dt.UTC))  # 23:30 in Moscow
    pp.ensure_cancellable(accepted, now=dt.datetime(2026, 12, 3, 20, 59, tzinfo=dt.UTC), zone=MSK)
    with pytest.raises(pp.CancelTooLate) as late:
        pp.ensure_cancellable(accepted, now=dt.datetime(2026, 12, 3, 21, 0, tzinfo=dt.UTC), zone=MSK)  # 00:00
    assert late.value.code == "cancel_too_late"


def test_external_ids_are_per_partner_txn_and_bucket_and_a_cancel_has_its_own():
    ids = {pp.external_id("b", "T", "energy"), pp.external_id("b", "T", "penalties"),
           pp.external_id("b", "T", "energy", cancel=True), pp.external_id("b", "T", "penalties", cancel=True),
           pp.external_id("c", "T", "energy")}
    assert len(ids) == 5 and pp.external_id("b", "T", "energy") == "partner:b:T"


def test_only_payment_agents_and_banks_and_a_scoped_partner_only_for_its_supplier():
    for kind in ("payment_agent", "bank"):
        assert payment_agent(Caller(user_id="bank", kind="partner", roles=(kind,))) == "bank"
    for other in (Caller(user_id="u", kind="person"), Caller(user_id="s", kind="partner", roles=("sms_gateway",)),
                  Caller(user_id="x", kind="staff", roles=("admin",))):
        with pytest.raises(Forbidden):
            payment_agent(other)
    scoped = Caller(user_id="bank", kind="partner", roles=("payment_agent", f"supplier:{SUPPLIER}"))
    assert partner_supplier(scoped, "") == SUPPLIER
    with pytest.raises(Forbidden):
        partner_supplier(scoped, "5b0c1a7e-0000-4000-8000-000000000099")


# --- the registry file ---

HEADER = "txn_id;account_number;amount;paid_at;payer\n"


def test_a_registry_with_agreeing_totals_is_read_with_amounts_in_kopecks():
    data = (HEADER + "T-1;12-12345678;1450,75;2026-12-03T10:15:00+03:00;Иванов И. И.\n"
            "T-2;12-00000002;1 000.5;03.12.2026 11:00;\n"
            "T-3;12-00000003;99;2026-12-03;\n"
            "ИТОГО;3;2550,25;03.12.2026\n").encode()
    got = reg.parse(data, MSK)
    assert got.registry_date == dt.date(2026, 12, 3) and got.total_kop == 255025
    assert [r.amount_kop for r in got.rows] == [145075, 100050, 9900]
    assert got.rows[1].paid_at == dt.datetime(2026, 12, 3, 11, 0, tzinfo=MSK)
    assert got.rows[2].paid_at.astimezone(MSK).date() == dt.date(2026, 12, 3)
    assert got.rows[0].payer == "Иванов И. И." and got.rows[0].line == 2


@pytest.mark.parametrize("totals", ["ИТОГО;2;2550,25;2026-12-03", "ИТОГО;3;2550,26;2026-12-03",
                                    "ИТОГО;три;2550,25;2026-12-03", "ИТОГО;3;2550,25;вчера"])
def test_totals_that_disagree_with_the_rows_refuse_the_file(totals):
    data = (HEADER + "T-1;1;1450,75;2026-12-03;\nT-2;2;1000,50;2026-12-03;\nT-3;3;99;2026-12-03;\n" + totals + "\n")
    with pytest.raises(InvalidInput) as refused:
        reg.parse(data.encode(), MSK)
    assert refused.value.code == "registry_totals"


def test_a_file_without_a_totals_line_last_is_refused():
    for data in (HEADER + "T-1;1;10;2026-12-03;\n", HEADER + "ИТОГО;1;10;2026-12-03\nT-1;1;10;2026-12-03;\n"):
        with pytest.raises(InvalidInput) as refused:
            reg.parse(data.encode(), MSK)
        assert refused.value.code == "registry_totals"


def test_bad_or_repeated_rows_refuse_the_file_naming_their_lines():
    data = (HEADER + "T-1;1;10,001;2026-12-03;\nT-2;1;-5;2026-12-03;\nT-3;;10;2026-12-03;\nT-4;1;10;завтра;\n"
            "T-5;1;10;2026-12-03;\nT-5;1;10;2026-12-03;\nИТОГО;6;60;2026-12-03\n")
    with pytest.raises(InvalidInput) as refused:
        reg.parse(data.encode(), MSK)
    assert refused.value.code == "registry_rows"
    assert set(refused.value.fields) == {"line 2", "line 3", "line 4", "line 5", "line 7"}


def test_a_header_without_the_columns_is_refused():
    with pytest.raises(InvalidInput) as refused:
        reg.parse("txn;account;sum\nИТОГО;0;0\n".encode(), MSK)
    assert refused.value.code == "registry_header"


def test_an_empty_registry_is_a_registry():
    assert reg.parse((HEADER + "ИТОГО;0;0,00;2026-12-03\n").encode(), MSK).rows == []


# --- reconciliation ---

ROW = reg.RegistryRow(line=2, txn_id="T-1", account_number="1", amount_kop=1000, paid_at=NOW)


def test_a_row_is_matched_when_the_bank_posted_that_txn_with_that_amount():
    assert reg.classify(ROW, reg.KnownPayment("p", SUPPLIER, 1000, pp.SUCCEEDED), SUPPLIER).outcome == reg.MATCHED


def test_a_row_of_another_amount_is_an_amount_mismatch_listed_not_posted():
    got = reg.classify(ROW, reg.KnownPayment("p", SUPPLIER, 900, pp.SUCCEEDED), SUPPLIER)
    assert (got.outcome, got.action) == (reg.AMOUNT_MISMATCH, reg.LISTED) and "10,00" in got.note


def test_a_row_of_a_canceled_or_another_suppliers_payment_is_missing_in_the_ledger_listed():
    for known in (reg.KnownPayment("p", SUPPLIER, 1000, pp.CANCELED),
                  reg.KnownPayment("p", "5b0c1a7e-0000-4000-8000-000000000099", 1000, pp.SUCCEEDED)):
        got = reg.classify(ROW, known, SUPPLIER)
        assert (got.outcome, got.action) == (reg.MISSING_IN_LEDGER, reg.LISTED)


def test_a_row_nobody_paid_is_left_to_be_posted():
    assert reg.classify(ROW, None, SUPPLIER) is None
    assert (reg.POSTED_NOW.outcome, reg.POSTED_NOW.action) == (reg.MISSING_IN_LEDGER, reg.POSTED)


def test_the_banks_payments_of_the_day_the_file_leaves_out_are_missing_in_the_registry():
    assert reg.absent([("p1", "T-1"), ("p2", "T-2"), ("p3", "T-3")], {"T-1", "T-3", "T-9"}) == ["p2"]


def test_counts_and_sums_by_outcome():
    got = reg.counts([(reg.Outcome(reg.MATCHED), 100), (reg.Outcome(reg.MATCHED), 50), (reg.POSTED_NOW, 7),
                      (reg.UNKNOWN_ACCOUNT, 3), (reg.Outcome(reg.AMOUNT_MISMATCH, reg.LISTED), 1)])
    assert got == {"matched": 2, "matched_kop": 150, "missing_in_ledger": 2, "posted": 1, "posted_kop": 7,
                   "amount_mismatch": 1}
