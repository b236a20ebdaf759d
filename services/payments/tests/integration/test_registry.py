"""The registry's money files against real PostgreSQL: balances and dated debts, payments into the ledger
(once; those in a balance already not again), tariffs with categories created, bad rows by line and reason,
re-import unchanged, the staff role and the audit record; a payments.csv of 100,000 rows in one go."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from sqlalchemy import func, select, text

from kit.context import Caller
from kit.errors import Forbidden, InvalidInput
from services.payments.adapters.orm import audit_log, ledger
from services.payments.domain.registry import Resolution
from services.payments.entrypoints.demo import ACCOUNTS, SUPPLIER
from services.payments.service_layer.registry import import_files, import_registry

pytestmark = pytest.mark.integration

ADMIN = Caller(user_id="a0000000-0000-0000-0000-000000000001", kind="staff", roles=("admin",))
OPERATOR = Caller(user_id="a0000000-0000-0000-0000-000000000002", kind="staff", roles=("operator",))
OTHER_SUPPLIER = str(uuid.uuid4())
MANY = {f"77-{i:08d}": str(uuid.uuid5(uuid.NAMESPACE_URL, f"acc{i}")) for i in range(100_000)}


def resolve(code: str, numbers: list[str], contracts: list[str]) -> Resolution:
    """accounts, faked: the demo supplier 012 with its four accounts; 077 with a hundred thousand."""
    if code == "012":
        return Resolution(SUPPLIER, {n: ACCOUNTS[n] for n in numbers if n in ACCOUNTS})
    if code == "077":
        return Resolution(OTHER_SUPPLIER, {n: MANY[n] for n in numbers if n in MANY})
    return Resolution("")


def entries(rt, account_id: str, kind: str) -> list[tuple]:
    with rt.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(ledger.c.amount_kop, ledger.c.bucket, ledger.c.due_on, ledger.c.channel, ledger.c.paid_on)
            .where(ledger.c.account_id == account_id, ledger.c.kind == kind).order_by(ledger.c.amount_kop))]


def by_kind(reports) -> dict:
    return {r.kind: r for r in reports}


BALANCES = """supplier_code;account_number;bucket;amount;due_on;as_of;external_id
012;12-10000003;;-500,00;2026-08-10;2026-09-30;
012;12-10000003;penalties;-12,34;;2026-09-30;
012;12-10000003;energy;-1 000,50;2026-09-10;2026-09-30;deb-1
012;12-10000003;energy;-1,00;2026-09-10;2026-09-30;deb-1
012;12-10000003;;100,00;2026-09-10;;
012;99-99999999;;-1,00;;;
013;12-10000003;;-1,00;;;
012;12-10000003;bonus;-1,00;;;
"""

PAYMENTS = """supplier_code;account_number;paid_on;amount;channel;external_id;bucket
012;12-10000003;2026-09-20;300,00;bank;p-1;
012;12-10000003;2026-10-05;400,00;post;p-2;
012;12-10000003;2026-10-06;12,34;;;penalties
012;12-10000003;2026-10-07;0;bank;p-3;
"""


def test_balances_and_payments_book_once_and_reimport_unchanged(rt):
    sidorov = ACCOUNTS["12-10000003"]
    first = by_kind(import_registry(rt.uow(), ADMIN, resolve, balances=BALANCES.encode(),
                                    payments=PAYMENTS.encode()))
    balances, payments = first["balances"], first["payments"]
    assert (balances.rows, balances.inserted, balances.unchanged) == (8, 3, 0)
    assert [(r.line, r.reason.split(":")[0].split(" ")[0]) for r in balances.rejected] == [
        (5, "Повтор"), (6, "Срок"), (7, "Лицевой"), (8, "Неизвестный"), (9, "Вид")]
    # demo: Sidorov's plain opening (+150,00) is there already; the dated debts join it
    assert entries(rt, sidorov, "opening") == [
        (-100050, "energy", dt.date(2026, 9, 10), None, None),
        (-50000, "energy", dt.date(2026, 8, 10), None, None),
        (-1234, "penalties", None, None, None), (15000, "energy", None, None, None)]
    # the payment of 2026-09-20 is in the balance of 2026-09-30 (and of the demo's 2026-10-31): not booked
    assert (payments.rows, payments.inserted, [r.line for r in payments.rejected]) == (4, 0, [5])
    later = ("supplier_code;account_number;paid_on;amount;channel;external_id\n"
             "012;12-10000003;2026-11-05;400,00;post;p-9\n")
    report = by_kind(import_registry(rt.uow(), ADMIN, resolve, payments=later.encode()))["payments"]
    assert report.inserted == 1
    assert entries(rt, sidorov, "payment") == [(40000, "energy", None, "post", dt.date(2026, 11, 5))]

    again = by_kind(import_registry(rt.uow(), ADMIN, resolve, balances=BALANCES.encode(), payments=later.encode()))
    assert (again["balances"].inserted, again["balances"].unchanged) == (0, 3)
    assert (again["payments"].inserted, again["payments"].unchanged) == (0, 1)
    changed = later.replace("400,00", "401,00")
    refused = by_kind(import_registry(rt.uow(), ADMIN, resolve, payments=changed.encode()))["payments"]
    assert [r.line for r in refused.rejected] == [2] and refused.inserted == 0
    with rt.engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log).order_by(audit_log.c.id))]
    assert actions == ["registry.imported"] * 4


def test_tariffs_create_categories_and_a_change_is_a_new_version(rt):
    tariffs = ("supplier_code;category;category_title;valid_from;one_zone;two_zone_day;two_zone_night;"
               "three_zone_peak;three_zone_semi_peak;three_zone_night\n"
               "012;benefit_veterans;Ветераны;2027-01-01;3,50;;;;;\n"
               "012;urban_gas_stove;;2026-07-01;7.05;8.11;4.02;9.17;7.05;4.02\n"
               "012;urban_gas_stove;;2027-01-01;7.50;8,60;;;;\n"
               "012;urban_electric_stove;;2026-07-01;5.00;;;;;\n"
               "012;BAD;;2027-01-01;1;;;;;\n"
               "012;rural;;2027-01-01;;;;;;\n")
    report = by_kind(import_registry(rt.uow(), ADMIN, resolve, tariffs=tariffs.encode()))["tariffs"]
    assert (report.rows, report.inserted, report.unchanged) == (6, 1, 1)
    reasons = {r.line: r.reason for r in report.rejected}
    assert set(reasons) == {4, 5, 6, 7}
    assert "two_zone_night" in reasons[4] and "другими ценами" in reasons[5] and "Нет ни одной цены" in reasons[7]
    with rt.engine.connect() as conn:
        title = conn.execute(text("SELECT title FROM customer_categories WHERE code = 'benefit_veterans'")).scalar()
    assert title == "Ветераны"
    assert by_kind(import_registry(rt.uow(), ADMIN, resolve, tariffs=tariffs.encode()))["tariffs"].unchanged == 2


def test_only_an_admin_imports_and_a_bad_header_imports_nothing(rt):
    with pytest.raises(Forbidden):
        import_registry(rt.uow(), OPERATOR, resolve, balances=BALANCES.encode())
    with pytest.raises(InvalidInput) as refused:
        import_registry(rt.uow(), ADMIN, resolve, balances=b"supplier_code;amount\n012;1\n")
    assert refused.value.code == "registry_header"


def test_a_hundred_thousand_payments_in_one_go(rt):
    header = "supplier_code;account_number;paid_on;amount;channel;external_id\n"
    body = "".join(f"077;{n};2026-11-{1 + i % 28:02d};{100 + i % 900},{i % 100:02d};bank;pay-{i}\n"
                   for i, n in enumerate(MANY))
    started = time.monotonic()
    [report] = import_files(rt.uow(), resolve, payments=(header + body).encode())
    took = time.monotonic() - started
    assert (report.rows, report.inserted, report.rejected) == (100_000, 100_000, [])
    with rt.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ledger).where(ledger.c.kind == "payment")).scalar() \
            == 100_000
    assert took < 60, took
    print(f"100,000 payments: {took:.1f} s")


def test_contract_documents_go_through_in_the_same_import(rt):
    from services.payments.domain.contract_documents import COLUMNS

    data = (";".join(COLUMNS) + "\n" + ";".join(["012", "78078078078999"] + [""] * (len(COLUMNS) - 2)) + "\n")
    reports = import_registry(rt.uow(), ADMIN, resolve, contract_documents=data.encode())
    [documents] = reports
    assert (documents.kind, documents.rows, documents.inserted, len(documents.rejected)) == (
        "contract_documents", 1, 0, 1)
