"""Invoices against real PostgreSQL: an issued invoice (a row as the billing run writes it), its period's
charges and ledger, the projected supplier and account — through the gRPC servicer to a PDF whose QR codes
scan to exactly the ГОСТ Р 56042-2014 payloads; the archive page by page; NOT_FOUND for others' invoices.
And legal entities' documents: imported from the registry file, listed, rendered."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
import zxingcpp
from kabinet.accounts.v1 import accounts_pb2
from kabinet.payments.v1 import payments_pb2 as pb
from pypdf import PdfReader
from sqlalchemy import insert, select

from kit.context import Caller, caller_var
from kit.errors import InvalidInput, NotFound
from kit.events import Event
from services.payments.adapters.orm import charge_lines, charges, invoices, ledger, tariffs
from services.payments.domain.model import Supplier
from services.payments.entrypoints.api import PaymentsServicer
from services.payments.entrypoints.events import on_account_changed
from services.payments.service_layer.contract_documents import import_contract_documents

pytestmark = pytest.mark.integration

SUPPLIER = "2a848f89-cd7d-5192-a0d1-e4c35663d673"
IVANOV = "b96f0cb8-a399-516a-b116-c9c892ea28e0"  # 12-10000001, one zone, opening −1 450,75 ₽ (demo)
PETROVA = "1af3925e-8883-55d0-b295-fec77380fdf6"
USER = "f2aee3e9-98eb-5237-a1bc-d44f87cd889c"
NOVEMBER, OCTOBER = dt.date(2026, 11, 1), dt.date(2026, 10, 1)
PAYEE = ("Name=АО «Демо-Энергосбыт»|PersonalAcc=40702810155000000012|BankName=ПАО «Демо-Банк»|BIC=044030653|"
         "CorrespAcc=30101810500000000653|PayeeINN=7800000010|KPP=780001001")
ENERGY_PAYLOAD = (f"ST00012|{PAYEE}|Sum=105750|Purpose=Электроэнергия за 11.2026, л/с 12-10000001, квитанция № 7|"
                  "persAcc=12-10000001|paymPeriod=112026")
PENALTIES_PAYLOAD = (f"ST00012|{PAYEE}|Sum=1942|Purpose=Пени за 11.2026, л/с 12-10000001, квитанция № 7|"
                     "persAcc=12-10000001|paymPeriod=112026")


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


class Accounts:
    """accounts as payments asks it with the caller's token: nothing is the caller's beyond the projection."""

    def check_access(self, account_id):
        raise NotFound(code="account_not_found")

    def facts(self, account_id):
        raise NotFound(code="account_not_found")

    def check_contract(self, contract_id):
        if contract_id != CONTRACT:
            raise NotFound(code="contract_not_found")


def as_user(fn, request):
    token = caller_var.set(Caller(user_id=USER, kind="person"))
    try:
        return fn(request, None)
    finally:
        caller_var.reset(token)


def project(rt) -> None:
    """What accounts announced: the supplier's details, the accounts' facts (through the real handler) and
    the demo customer's binding of Ivanov's account."""
    with rt.uow() as uow:
        uow.suppliers.put(Supplier(supplier_id=SUPPLIER, name="АО «Демо-Энергосбыт»", inn="7800000010",
                                   kpp="780001001", bank_name="ПАО «Демо-Банк»", bic="044030653",
                                   settlement_account="40702810155000000012",
                                   correspondent_account="30101810500000000653", timezone="Europe/Moscow",
                                   payment_due_day=10), at("2026-11-01"))
        for account_id, number, holder in ((IVANOV, "12-10000001", "Иванов Иван Иванович"),
                                           (PETROVA, "12-10000002", "Петрова Анна Сергеевна")):
            account = accounts_pb2.Account(
                account_id=account_id, number=number, supplier_id=SUPPLIER, category="urban_gas_stove",
                holder=holder, address="Санкт-Петербург, ул. Садовая, д. 10, кв. 5", bill_delivery="email",
                meters=[accounts_pb2.Meter(zones=1)])
            on_account_changed(Event(type="accounts.account.changed", aggregate_id=account_id,
                                     payload=accounts_pb2.AccountChanged(account=account)), uow)
        uow.access.put(USER, IVANOV, bound=True, as_of=at("2026-11-01"))
        uow.commit()


def entry(account_id, kind, amount_kop, posted_at, **more) -> dict:
    return dict(entry_id=str(uuid.uuid4()), account_id=account_id, kind=kind, amount_kop=amount_kop,
                posted_at=posted_at, bucket=more.pop("bucket", "energy"), **more)


def issue(rt, account_id=IVANOV, period=NOVEMBER, number=7, issued_at=None) -> str:
    invoice_id = str(uuid.uuid4())
    with rt.engine.begin() as conn:
        conn.execute(insert(invoices).values(
            invoice_id=invoice_id, supplier_id=SUPPLIER, account_id=account_id, period=period, number=number,
            issued_at=issued_at or dt.datetime.now(dt.UTC), due_on=dt.date(period.year, period.month + 1, 10),
            opening_kop=-145075, charged_kop=105750, paid_kop=145075, penalties_kop=412, closing_kop=-105750,
            amount_due_energy_kop=105750, amount_due_penalties_kop=1942))
    return invoice_id


def november(rt) -> None:
    """Ivanov's November: the demo opening (−1 450,75 ₽) paid on the 14th; a reading charged 87,03 ₽ on the
    20th, replaced by the final charge of 150 kWh × 7,05 ₽ = 1 057,50 ₽; penalties 15,30 ₽ owed from before
    and 4,12 ₽ accrued in the month."""
    preliminary, final = str(uuid.uuid4()), str(uuid.uuid4())
    with rt.engine.begin() as conn:
        tariff = conn.execute(select(tariffs.c.tariff_id).where(tariffs.c.supplier_id == SUPPLIER)).scalars().first()
        rows(conn, charges, [
            dict(charge_id=preliminary, account_id=IVANOV, kind="preliminary", reading_id=str(uuid.uuid4()),
                 tariff_id=tariff, amount_kop=8703, posted_at=at("2026-11-20"), period=NOVEMBER),
            dict(charge_id=final, account_id=IVANOV, kind="final", tariff_id=None, amount_kop=105750,
                 posted_at=at("2026-12-01", 1), period=NOVEMBER, basis="readings")])
        conn.execute(insert(charge_lines), [dict(charge_id=final, position=1, zone="total", consumption=150,
                                                 ratio=1, price_rub="7.05", amount_kop=105750, zones=1,
                                                 tariff_id=tariff, days=30)])
        reversed_entry = entry(IVANOV, "charge", -8703, at("2026-11-20"), charge_id=preliminary, period=NOVEMBER)
        rows(conn, ledger, [
            entry(IVANOV, "payment", 145075, at("2026-11-15"), paid_on=dt.date(2026, 11, 14), channel="bank"),
            reversed_entry,
            entry(IVANOV, "charge", 8703, at("2026-12-01", 1), period=NOVEMBER, reverses=reversed_entry["entry_id"]),
            entry(IVANOV, "charge", -105750, at("2026-12-01", 1), charge_id=final, period=NOVEMBER,
                  due_on=dt.date(2026, 12, 10)),
            entry(IVANOV, "opening", -1530, at("2026-10-01"), bucket="penalties"),
            entry(IVANOV, "penalty", -412, at("2026-11-25"), bucket="penalties", period=NOVEMBER),
            # December is not November's
            entry(IVANOV, "payment", 50000, at("2026-12-02"), paid_on=dt.date(2026, 12, 2), channel="bank"),
        ])


def rows(conn, table, values: list[dict]) -> None:
    for row in values:
        conn.execute(insert(table).values(**row))


def late_payment(rt, issued_at) -> None:
    """A payment of November that the billing system reported after the invoice was issued: the issued
    document does not change."""
    with rt.engine.begin() as conn:
        conn.execute(insert(ledger).values(**entry(IVANOV, "payment", 30000, at("2026-11-30"),
                                                   paid_on=dt.date(2026, 11, 30), channel="bank",
                                                   created_at=issued_at + dt.timedelta(hours=1))))


def pdf_text(pdf: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def qr_codes(pdf: bytes) -> list[str]:
    """What a bank app reads: each QR code's bytes, as the UTF-8 its ST00012 header says."""
    found = []
    for picture in PdfReader(io.BytesIO(pdf)).pages[0].images:
        found += [code.bytes.decode("utf-8") for code in
                  zxingcpp.read_barcodes(picture.image, formats=zxingcpp.BarcodeFormat.QRCode)]
    return found


def test_an_invoice_pdf_from_the_database_scans_to_the_exact_payloads(rt):
    project(rt)
    november(rt)
    issued_at = dt.datetime.now(dt.UTC)
    invoice_id = issue(rt, issued_at=issued_at)
    late_payment(rt, issued_at)
    api = PaymentsServicer(rt.uow, Accounts())

    reply = as_user(api.GetInvoicePdf, pb.GetInvoicePdfRequest(invoice_id=invoice_id))
    assert (reply.filename, reply.content_type) == ("kvitanciya-12-10000001-2026-11.pdf", "application/pdf")
    assert reply.content.startswith(b"%PDF-")
    assert qr_codes(reply.content) == [ENERGY_PAYLOAD, PENALTIES_PAYLOAD]
    text = pdf_text(reply.content)
    for expected in ("Квитанция № 7 за ноябрь 2026 г.", "Лицевой счёт 12-10000001",
                     "Плательщик Иванов Иван Иванович", "Адрес Санкт-Петербург, ул. Садовая, д. 10, кв. 5",
                     "ИНН 7800000010, КПП 780001001", "Круглосуточные — — 150 7,05 1 057,50",
                     "Задолженность на начало периода 1 450,75 ₽", "Начислено за период 1 057,50 ₽",
                     "Оплачено в периоде 1 450,75 ₽", "Задолженность на конец периода 1 057,50 ₽",
                     "Задолженность по пени на начало периода 15,30 ₽", "Пени начислено 4,12 ₽",
                     "К оплате за электроэнергию 1 057,50 ₽", "К оплате пени 19,42 ₽", "Итого к оплате 1 076,92 ₽",
                     "Оплатить до 10.12.2026"):
        assert expected in text
    assert "Перерасчёт" not in text  # the preliminary charge and its reversal net out
    # rendered again, the same document
    assert qr_codes(as_user(api.GetInvoicePdf, pb.GetInvoicePdfRequest(invoice_id=invoice_id)).content) == [
        ENERGY_PAYLOAD, PENALTIES_PAYLOAD]


def test_the_archive_page_by_page_and_others_invoices_are_not_found(rt):
    project(rt)
    november(rt)
    mine = [issue(rt, period=OCTOBER, number=3), issue(rt, period=NOVEMBER, number=7)]
    theirs = issue(rt, account_id=PETROVA, number=8)
    api = PaymentsServicer(rt.uow, Accounts())

    first = as_user(api.ListInvoices, pb.ListInvoicesRequest(account_id=IVANOV, page_size=1))
    assert [(i.invoice_id, i.period, i.number, i.account_number) for i in first.invoices] == [
        (mine[1], "2026-11", 7, "12-10000001")]
    assert (first.invoices[0].due_on, first.invoices[0].amount_due_energy_kop) == ("2026-12-10", 105750)
    assert first.next_page_token == "2026-11"
    second = as_user(api.ListInvoices, pb.ListInvoicesRequest(account_id=IVANOV, page_size=1,
                                                              page_token=first.next_page_token))
    assert [i.invoice_id for i in second.invoices] == [mine[0]] and second.next_page_token == ""
    with pytest.raises(InvalidInput):
        as_user(api.ListInvoices, pb.ListInvoicesRequest(account_id=IVANOV, page_token="junk"))

    with pytest.raises(NotFound) as err:
        as_user(api.ListInvoices, pb.ListInvoicesRequest(account_id=PETROVA))
    assert err.value.code == "account_not_found"
    for invoice_id in (theirs, str(uuid.uuid4()), "not-an-id"):
        with pytest.raises(NotFound) as err:
            as_user(api.GetInvoicePdf, pb.GetInvoicePdfRequest(invoice_id=invoice_id))
        assert err.value.code == "invoice_not_found"


def test_the_projection_keeps_what_the_invoice_prints(rt):
    project(rt)
    with rt.uow() as uow:
        facts = uow.account_facts.get(IVANOV)
    assert (facts.number, facts.holder, facts.bill_delivery, facts.automatic_metering, facts.meter_zones) == (
        "12-10000001", "Иванов Иван Иванович", "email", False, (1,))
    with rt.uow() as uow:
        assert uow.invoices.bound_users([IVANOV, PETROVA]) == {IVANOV: [USER]}


# --- legal entities' documents ---

CONTRACT = "5d0c4a9e-2a57-4d5b-9f0e-7c3b1e2a9d10"
DOCUMENTS_CSV = (
    "supplier_code;contract_number;period;number;issued_on;holder;inn;kpp;address;kwh;price;vat_rate\n"
    "012;78078078078000;2026-11;С-1001;30.11.2026;ООО «Завод»;7801234567;780101001;СПб, ул. Заводская, д. 1;"
    "12345,678;6,1234;20\n"
    "012;78078078078000;10.2026;С-0901;2026-10-31;ООО «Завод»;7801234567;780101001;СПб, ул. Заводская, д. 1;"
    "10000;6,1234;20\n"
    "012;99999999999999;2026-11;С-1002;30.11.2026;ООО «Другой»;7801234568;;СПб;1;1;20\n").encode()


def resolve(pairs):
    return {pair: (CONTRACT, SUPPLIER) for pair in pairs if pair == ("012", "78078078078000")}


def test_contract_documents_imported_listed_and_rendered(rt):
    project(rt)
    with rt.uow() as uow:
        report = import_contract_documents(uow, DOCUMENTS_CSV, resolve)
        uow.commit()
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (3, 2, 0, 0)
    assert [(r.line, r.reason) for r in report.rejected] == [
        (4, "Договор 99999999999999 поставщика «012» не найден.")]
    with rt.uow() as uow:
        again = import_contract_documents(uow, DOCUMENTS_CSV, resolve)
        uow.commit()
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)

    api = PaymentsServicer(rt.uow, Accounts())
    listed = as_user(api.ListContractDocuments, pb.ListContractDocumentsRequest(contract_id=CONTRACT)).documents
    assert [(d.period, d.kind, d.number) for d in listed] == [
        ("2026-11", "invoice", "С-1001"), ("2026-11", "vat_invoice", "С-1001"), ("2026-11", "act", "С-1001"),
        ("2026-10", "invoice", "С-0901"), ("2026-10", "vat_invoice", "С-0901"), ("2026-10", "act", "С-0901")]
    assert (listed[0].amount_kop, listed[0].vat_kop, listed[0].issued_on) == (9071702, 1511950, "2026-11-30")
    october = as_user(api.ListContractDocuments, pb.ListContractDocumentsRequest(contract_id=CONTRACT,
                                                                                 period="2026-10")).documents
    assert len(october) == 3

    reply = as_user(api.GetContractDocumentPdf, pb.GetContractDocumentPdfRequest(document_id=listed[1].document_id))
    assert reply.filename == "schet-faktura-78078078078000-2026-11.pdf"
    assert "Счёт-фактура № С-1001 от 30 ноября 2026 г." in pdf_text(reply.content)

    with pytest.raises(NotFound):
        as_user(api.ListContractDocuments, pb.ListContractDocumentsRequest(contract_id=str(uuid.uuid4())))
    with pytest.raises(NotFound) as err:
        as_user(api.GetContractDocumentPdf, pb.GetContractDocumentPdfRequest(document_id=str(uuid.uuid4())))
    assert err.value.code == "document_not_found"
