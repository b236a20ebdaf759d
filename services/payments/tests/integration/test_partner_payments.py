"""Partners' payments and bank registries against a real PostgreSQL: a txn id is booked once, a conflict is
refused, a cancel reverses the posting, and a registry is reconciled (all four outcomes) once per file."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from kit.context import Caller
from kit.errors import Conflict, Forbidden, NotFound
from services.payments.domain.bank_registry import BankRegistry, RegistryRow
from services.payments.domain.model import BILLING_ZONE
from services.payments.domain.partner_payments import CancelTooLate
from services.payments.service_layer import bank_registries, partner_payments

pytestmark = pytest.mark.integration

SUPPLIER = "5b0c1a7e-0000-4000-8000-00000000b0b0"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
TODAY = NOW.astimezone(BILLING_ZONE).date()
ADMIN = Caller(user_id="0a0a0a0a-0000-4000-8000-00000000ad01", kind="staff", roles=("admin",))


class Accounts:
    """accounts' FindAccount, as payments sees it: number at the supplier -> id."""

    def __init__(self, **numbers: str) -> None:
        self.numbers = numbers

    def find(self, number: str, supplier_id: str) -> str:
        if supplier_id != SUPPLIER or number not in self.numbers:
            raise NotFound(code="account_not_found")
        return self.numbers[number]


@pytest.fixture
def bank():
    partner_id = str(uuid.uuid4())
    return Caller(user_id=partner_id, kind="partner", roles=("payment_agent",))


@pytest.fixture
def account():
    return str(uuid.uuid4())


def pay(rt, accounts, bank, txn_id, amount_kop, number="12-1", **kw):
    return partner_payments.pay(rt.uow(), accounts, bank, txn_id=txn_id, account_number=number, supplier_id=SUPPLIER,
                                amount_kop=amount_kop, now=kw.pop("now", NOW), **kw)


def ledger(rt, account_id):
    with rt.engine.connect() as conn:
        return conn.execute(text("SELECT kind, bucket, amount_kop, channel, external_id FROM ledger "
                                 "WHERE account_id = :a ORDER BY created_at, amount_kop"), {"a": account_id}).all()


def test_the_same_txn_id_twice_books_one_payment_and_answers_the_first_again(rt, bank, account):
    accounts = Accounts(**{"12-1": account})
    first = pay(rt, accounts, bank, "T-1", 145075)
    again = pay(rt, accounts, bank, "T-1", 145075)
    assert (again.payment_id, again.replayed, first.replayed) == (first.payment_id, True, False)
    assert ledger(rt, account) == [("payment", "energy", 145075, "bank", f"partner:{bank.user_id}:T-1")]
    assert partner_payments.get_payment(rt.uow(), bank, txn_id="T-1").status == "succeeded"
    with rt.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outbox WHERE subject = 'payments.payment.posted'")).scalar() == 1


def test_the_same_txn_id_with_another_amount_is_a_conflict_and_books_nothing(rt, bank, account):
    accounts = Accounts(**{"12-1": account})
    pay(rt, accounts, bank, "T-1", 1000)
    with pytest.raises(Conflict) as refused:
        pay(rt, accounts, bank, "T-1", 1001)
    assert refused.value.code == "transaction_conflict"
    assert [row.amount_kop for row in ledger(rt, account)] == [1000]


def test_another_partners_txn_id_is_its_own_and_its_payments_are_not_visible(rt, bank, account):
    accounts = Accounts(**{"12-1": account})
    other = Caller(user_id=str(uuid.uuid4()), kind="partner", roles=("payment_agent",))
    pay(rt, accounts, bank, "T-1", 1000)
    pay(rt, accounts, other, "T-1", 2000)
    assert sorted(row.amount_kop for row in ledger(rt, account)) == [1000, 2000]
    with pytest.raises(NotFound):
        partner_payments.get_payment(rt.uow(), other, txn_id="T-2")
    with pytest.raises(Forbidden):
        partner_payments.get_payment(rt.uow(), ADMIN, txn_id="T-1")


def test_a_part_named_for_penalties_pays_penalties(rt, bank, account):
    pay(rt, Accounts(**{"12-1": account}), bank, "T-1", 10000, penalties_kop=2500)
    assert [(r.bucket, r.amount_kop) for r in ledger(rt, account)] == [("penalties", 2500), ("energy", 7500)]


def test_cancel_on_the_same_day_reverses_the_posting_once(rt, bank, account):
    pay(rt, Accounts(**{"12-1": account}), bank, "T-1", 10000, penalties_kop=2500)
    canceled = partner_payments.cancel(rt.uow(), bank, txn_id="T-1", now=NOW)
    again = partner_payments.cancel(rt.uow(), bank, txn_id="T-1", now=NOW)
    assert canceled.status == again.status == "canceled"
    rows = ledger(rt, account)
    assert sum(r.amount_kop for r in rows) == 0
    assert sorted((r.kind, r.bucket, r.amount_kop) for r in rows if r.kind == "refund") == [
        ("refund", "energy", -7500), ("refund", "penalties", -2500)]
    assert partner_payments.get_payment(rt.uow(), bank, txn_id="T-1").status == "canceled"


def test_cancel_on_another_day_is_too_late(rt, bank, account):
    pay(rt, Accounts(**{"12-1": account}), bank, "T-1", 10000, now=NOW - dt.timedelta(days=1))
    with pytest.raises(CancelTooLate):
        partner_payments.cancel(rt.uow(), bank, txn_id="T-1", now=NOW)
    assert sum(r.amount_kop for r in ledger(rt, account)) == 10000


def registry_file(*rows: tuple[str, str, str], day: dt.date = TODAY) -> bytes:
    lines = ["txn_id;account_number;amount;paid_at;payer"]
    lines += [f"{txn};{number};{amount};{day.isoformat()} 10:00;Плательщик" for txn, number, amount in rows]
    total = sum(round(float(a.replace(",", ".")) * 100) for _, _, a in rows)
    lines.append(f"ИТОГО;{len(rows)};{total // 100},{total % 100:02d};{day.strftime('%d.%m.%Y')}")
    return ("\n".join(lines) + "\n").encode()


def test_a_registry_is_reconciled_into_the_four_outcomes_and_only_new_rows_are_posted(rt, bank):
    a1, a2, a3, a4 = (str(uuid.uuid4()) for _ in range(4))
    accounts = Accounts(**{"12-1": a1, "12-2": a2, "12-3": a3})
    with rt.engine.begin() as conn:  # the projection knows a4 by its printed number
        conn.execute(text("INSERT INTO account_facts (account_id, supplier_id, category, meter_zones, as_of, number) "
                          "VALUES (:a, :s, 'x', '[1]', now(), '12-4')"), {"a": a4, "s": SUPPLIER})
    pay(rt, accounts, bank, "T-1", 100000, "12-1")           # matched
    pay(rt, accounts, bank, "T-2", 50000, "12-2")            # amount mismatch: the file says 600,00
    pay(rt, accounts, bank, "T-3", 70000, "12-3")            # missing in the registry
    pay(rt, accounts, bank, "T-4", 10000, "12-3")
    partner_payments.cancel(rt.uow(), bank, txn_id="T-4", now=NOW)  # canceled, yet listed: missing in the ledger
    data = registry_file(("T-1", "12-1", "1000,00"), ("T-2", "12-2", "600,00"), ("T-4", "12-3", "100"),
                         ("T-5", "12-4", "800,50"), ("T-6", "99-9", "10"))
    got = bank_registries.import_registry(rt.uow(), accounts, bank, content=data, supplier_id=SUPPLIER, now=NOW)

    assert (got.rows, got.total_kop, got.registry_date, got.source) == (5, 251050, TODAY, "partner")
    assert (got.matched, got.amount_mismatch, got.missing_in_ledger, got.posted, got.missing_in_registry) == (
        1, 1, 3, 1, 1)
    assert ledger(rt, a4) == [("payment", "energy", 80050, "registry", f"partner:{bank.user_id}:T-5")]
    assert [r.amount_kop for r in ledger(rt, a2)] == [50000]  # a mismatch is listed, never booked
    _, lines, truncated = bank_registries.reconciliation(rt.uow(), ADMIN, registry_id=got.registry_id)
    assert not truncated
    assert [(x.outcome, x.txn_id, x.registry_kop, x.ledger_kop, x.action) for x in lines] == [
        ("amount_mismatch", "T-2", 60000, 50000, "listed"),
        ("missing_in_ledger", "T-4", 10000, 10000, "listed"),
        ("missing_in_ledger", "T-5", 80050, 80050, "posted"),
        ("missing_in_ledger", "T-6", 1000, 0, "listed"),
        ("missing_in_registry", "T-3", 0, 70000, "listed"),
    ]
    # a later pay of the txn the registry posted is that payment; the bank's status shows the registry's channel
    assert pay(rt, Accounts(**{"12-4": a4}), bank, "T-5", 80050, "12-4").replayed
    assert partner_payments.get_payment(rt.uow(), bank, txn_id="T-5").channel == "registry"

    name, content = bank_registries.export_reconciliation(rt.uow(), ADMIN, registry_id=got.registry_id)
    book = load_workbook(io.BytesIO(content), read_only=True)
    assert name.endswith(".xlsx")
    assert book.sheetnames == ["Итоги", "Сошлось", "Нет в учёте", "Нет в реестре", "Расхождение суммы"]
    assert [r[1] for r in book["Сошлось"].iter_rows(min_row=2, values_only=True)] == ["T-1"]
    assert [r[1] for r in book["Нет в учёте"].iter_rows(min_row=2, values_only=True)] == ["T-4", "T-5", "T-6"]
    assert [r[1] for r in book["Нет в реестре"].iter_rows(min_row=2, values_only=True)] == ["T-3"]
    assert [r[1] for r in book["Расхождение суммы"].iter_rows(min_row=2, values_only=True)] == ["T-2"]


def test_the_same_registry_twice_is_the_first_result_whoever_brings_it(rt, bank):
    account = str(uuid.uuid4())
    accounts = Accounts(**{"12-1": account})
    data = registry_file(("T-9", "12-1", "100,00"))
    first = bank_registries.import_registry(rt.uow(), accounts, bank, content=data, supplier_id=SUPPLIER, now=NOW)
    again = bank_registries.import_registry(rt.uow(), accounts, bank, content=data, supplier_id=SUPPLIER, now=NOW)
    staff = bank_registries.import_registry(rt.uow(), accounts, ADMIN, content=data, supplier_id=SUPPLIER,
                                            partner_id=bank.user_id, now=NOW)
    assert first.registry_id == again.registry_id == staff.registry_id
    assert (first.replayed, again.replayed, staff.replayed, first.posted) == (False, True, True, 1)
    assert [r.amount_kop for r in ledger(rt, account)] == [10000]
    listed = bank_registries.list_registries(rt.uow(), ADMIN, partner_id=bank.user_id)
    assert [r.registry_id for r in listed] == [first.registry_id]


def test_staff_upload_a_banks_registry_matching_its_payments(rt, bank, account):
    accounts = Accounts(**{"12-1": account})
    pay(rt, accounts, bank, "T-1", 1000)
    got = bank_registries.import_registry(rt.uow(), accounts, ADMIN, content=registry_file(("T-1", "12-1", "10")),
                                          supplier_id=SUPPLIER.upper(), partner_id=bank.user_id.upper(), now=NOW)
    assert (got.source, got.uploaded_by, got.matched) == ("staff", ADMIN.user_id, 1)
    operator = Caller(user_id="0a0a0a0a-0000-4000-8000-00000000ad02", kind="staff", roles=("operator",))
    with pytest.raises(Forbidden):
        bank_registries.import_registry(rt.uow(), accounts, operator, content=b"", supplier_id=SUPPLIER,
                                        partner_id=bank.user_id, now=NOW)
    with rt.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'bank_registry.imported'")).scalar() == 1


def test_the_same_txn_id_paid_concurrently_is_booked_once(rt, bank, account):
    accounts = Accounts(**{"12-1": account})
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: pay(rt, accounts, bank, "T-race", 4200), range(8)))
    assert len({a.payment_id for a in answers}) == 1 and sum(not a.replayed for a in answers) == 1
    assert [r.amount_kop for r in ledger(rt, account)] == [4200]


def test_a_row_whose_txn_a_concurrent_pay_took_is_matched_not_posted_twice(rt, bank, account):
    pay(rt, Accounts(**{"12-1": account}), bank, "T-1", 1000)  # lands between the registry's read and its insert
    row = RegistryRow(line=2, txn_id="T-1", account_number="12-1", amount_kop=1000, paid_at=NOW)
    with rt.uow() as uow:
        record = uow.bank_registries.add(BankRegistry(
            registry_id=str(uuid.uuid4()), partner_id=bank.user_id, supplier_id=SUPPLIER, source="partner",
            uploaded_by=bank.user_id, sha256="x", registry_date=TODAY, rows=1, total_kop=1000))
        got = bank_registries._reconcile(uow, record, [row], {}, {"12-1": account}, BILLING_ZONE, NOW)
        uow.commit()
    assert (got.matched, got.posted) == (1, 0)
    assert [r.amount_kop for r in ledger(rt, account)] == [1000]
