"""Legal entities' monthly documents: the registry's contract_documents.csv (rows, amounts, rejections,
re-import), who may read them, and the three PDFs (счёт, счёт-фактура, акт) as a person reads them."""

import dataclasses
import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from pypdf import PdfReader

from kit.errors import InvalidInput, NotFound
from services.payments.adapters.legal_pdf import render_contract_document_pdf
from services.payments.domain.contract_documents import ACT, INVOICE, VAT_INVOICE, parse_rows, read_rows
from services.payments.service_layer.contract_documents import (
    contract_document_pdf,
    import_contract_documents,
    list_contract_documents,
)
from services.payments.tests.unit.fakes import FakeUnitOfWork
from services.payments.tests.unit.test_invoice_archive import PROJECTED, SUPPLIER, SUPPLIER_ID

CONTRACT, OTHER = str(uuid.uuid4()), str(uuid.uuid4())
HEADER = "supplier_code;contract_number;period;number;issued_on;holder;inn;kpp;address;kwh;price;vat_rate"
ROW = "012;78078078078000;2026-11;С-1001;30.11.2026;ООО «Завод»;7801234567;780101001;СПб, ул. Заводская, д. 1;" \
      "12345,678;6,1234;20"


def csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode("utf-8-sig")


class FakeDocuments:
    def __init__(self):
        self.rows = {}

    def existing(self, keys):
        return {k: self.rows[k] for k in keys if k in self.rows}

    def put(self, documents):
        for d in documents:
            key = (d.contract_id, d.period, d.kind)
            self.rows[key] = dataclasses.replace(d, document_id=self.rows[key].document_id) if key in self.rows else d

    def get(self, document_id):
        return next((d for d in self.rows.values() if d.document_id == document_id), None)

    def list_for_contract(self, contract_id, period=None):
        return sorted((d for d in self.rows.values() if d.contract_id == contract_id
                       and period in (None, d.period)), key=lambda d: d.period, reverse=True)


class Resolver:
    """accounts' side: the contracts it knows, by (supplier code, number as given)."""

    def __init__(self, known):
        self.known, self.asked = known, []

    def __call__(self, pairs):
        self.asked.append(pairs)
        return {p: self.known[p] for p in pairs if p in self.known}


class Contracts:
    def __init__(self, *mine):
        self.mine = set(mine)

    def check_contract(self, contract_id):
        if contract_id not in self.mine:
            raise NotFound("Договор не найден.", code="contract_not_found")


def uow():
    u = FakeUnitOfWork(suppliers=(PROJECTED,))
    u.contract_documents = FakeDocuments()
    return u


KNOWN = Resolver({("012", "78078078078000"): (CONTRACT, SUPPLIER_ID)})


def test_a_row_makes_the_three_documents_with_vat_added_to_the_price():
    (row,), rejected = parse_rows(read_rows(csv(ROW)))
    assert rejected == []
    assert row.net_kop == 7559752  # 12345,678 kWh × 6,1234 ₽ = 75 597,5246… ₽
    assert row.vat_kop == 1511950  # 20 % of 75 597,52 = 15 119,504 ₽
    assert row.total_kop == 9071702
    docs = row.documents(contract_id=CONTRACT, supplier_id=SUPPLIER_ID)
    assert [d.kind for d in docs] == [INVOICE, VAT_INVOICE, ACT]
    assert {d.number for d in docs} == {"С-1001"} and {d.amount_kop for d in docs} == {9071702}
    assert docs[0].period == dt.date(2026, 11, 1) and docs[0].issued_on == dt.date(2026, 11, 30)
    assert len({d.document_id for d in docs}) == 3


def test_own_numbers_for_the_vat_invoice_and_the_act_and_no_vat():
    header = HEADER + ";vat_invoice_number;act_number"
    (row,), _ = parse_rows(read_rows(csv(ROW.removesuffix(";20") + ";без НДС;СФ-7;А-7", header=header)))
    assert row.numbers == {INVOICE: "С-1001", VAT_INVOICE: "СФ-7", ACT: "А-7"}
    assert (row.vat_rate, row.vat_kop, row.total_kop) == (None, 0, row.net_kop)


@pytest.mark.parametrize(("change", "reason"), [
    (("12345,678", ""), "Не заполнена колонка kwh."),
    (("2026-11", "2026-13"), "Период (period) — месяц в виде ГГГГ-ММ или ММ.ГГГГ."),
    (("30.11.2026", "31.11.2026"), "Дата (issued_on) — ГГГГ-ММ-ДД или ДД.ММ.ГГГГ."),
    (("7801234567", "78012"), "ИНН покупателя — 10 или 12 цифр."),
    (("6,1234", "6,12345"), "Цена (price): Не больше 4 знаков после запятой."),
    (("12345,678", "-1"), "Объём (kwh) — неотрицательное число кВт·ч, не больше 3 знаков после запятой."),
    (("6,1234;20", "6,1234;18"), "Ставка НДС (vat_rate) — 20, 10, 7, 5, 0 или «без НДС»."),
])
def test_a_bad_row_is_rejected_with_its_line_and_reason(change, reason):
    _, rejected = parse_rows(read_rows(csv(ROW.replace(*change))))
    assert [(r.line, r.reason) for r in rejected] == [(2, reason)]


def test_a_header_without_a_column_imports_nothing():
    with pytest.raises(InvalidInput) as err:
        import_contract_documents(uow(), csv(ROW, header=HEADER.replace(";vat_rate", "")), KNOWN)
    assert err.value.code == "registry_header"


def test_import_inserts_then_changes_nothing_then_updates():
    u = uow()
    unknown = ROW.replace("78078078078000", "11111111111111")
    report = import_contract_documents(u, csv(ROW, unknown, ROW.replace("С-1001", "С-1002")), KNOWN)
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (3, 1, 0, 0)
    assert [(r.line, r.reason) for r in report.rejected] == [
        (3, "Договор 11111111111111 поставщика «012» не найден."),
        (4, "Повтор строки 2 (тот же договор и месяц).")]
    assert len(u.contract_documents.rows) == 3
    ids = {d.document_id for d in u.contract_documents.rows.values()}

    again = import_contract_documents(u, csv(ROW), KNOWN)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 1, [])

    changed = import_contract_documents(u, csv(ROW.replace("12345,678", "12000")), KNOWN)
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 0)
    assert {d.kwh for d in u.contract_documents.rows.values()} == {Decimal("12000")}
    assert {d.document_id for d in u.contract_documents.rows.values()} == ids


def test_the_resolver_is_asked_once_with_the_numbers_as_given():
    resolver = Resolver({})
    import_contract_documents(uow(), csv(ROW, ROW.replace("2026-11", "2026-10")), resolver)
    assert resolver.asked == [[("012", "78078078078000")]]


def test_my_contracts_documents_are_listed_and_others_are_not_found():
    u = uow()
    import_contract_documents(u, csv(ROW, ROW.replace("2026-11", "2026-10")), KNOWN)
    docs = list_contract_documents(u, Contracts(CONTRACT), contract_id=CONTRACT)
    assert [d.period.month for d in docs] == [11, 11, 11, 10, 10, 10]
    assert len(list_contract_documents(u, Contracts(CONTRACT), contract_id=CONTRACT,
                                       period=dt.date(2026, 10, 1))) == 3
    with pytest.raises(NotFound):
        list_contract_documents(u, Contracts(), contract_id=CONTRACT)


@pytest.mark.parametrize("mine", [True, False])
def test_a_document_pdf_is_mine_or_not_found(mine):
    u = uow()
    import_contract_documents(u, csv(ROW), KNOWN)
    doc = next(iter(u.contract_documents.rows.values()))
    contracts = Contracts(CONTRACT) if mine else Contracts(OTHER)
    if mine:
        file = contract_document_pdf(u, contracts, lambda d, s: b"%PDF", document_id=doc.document_id)
        assert file.filename.endswith("-78078078078000-2026-11.pdf") and file.content == b"%PDF"
    else:
        with pytest.raises(NotFound) as err:
            contract_document_pdf(u, contracts, lambda d, s: b"%PDF", document_id=doc.document_id)
        assert err.value.code == "document_not_found"


# --- the PDFs ---

@pytest.fixture(scope="module")
def documents():
    (row,), _ = parse_rows(read_rows(csv(ROW)))
    return {d.kind: d for d in row.documents(contract_id=CONTRACT, supplier_id=SUPPLIER_ID)}


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(reader.pages[0].extract_text().split())


def test_the_invoice_for_payment(documents):
    reader, text = text_of(render_contract_document_pdf(documents[INVOICE], SUPPLIER))
    assert len(reader.pages) == 1
    for expected in ("Счёт на оплату № С-1001 от 30 ноября 2026 г.", f"БИК {SUPPLIER.bic}",
                     f"Сч. № {SUPPLIER.settlement_account}", "Покупатель: ООО «Завод», ИНН/КПП 7801234567/780101001",
                     "Основание: договор энергоснабжения № 78078078078000",
                     "Электрическая энергия за ноябрь 2026 г. 12345,678 кВт·ч 6,1234 75 597,52",
                     "НДС (20%): 15 119,50", "Всего к оплате: 90 717,02"):
        assert expected in text


def test_the_vat_invoice_has_the_forms_lines_and_columns(documents):
    reader, text = text_of(render_contract_document_pdf(documents[VAT_INVOICE], SUPPLIER))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    for expected in ("Счёт-фактура № С-1001 от 30 ноября 2026 г. (1)", f"Продавец: {SUPPLIER.name} (2)",
                     "ИНН/КПП продавца: 7801234567/780101001 (2б)", "Покупатель: ООО «Завод» (6)",
                     "ИНН/КПП покупателя: 7801234567/780101001 (6б)", "Российский рубль, 643 (7)",
                     "245 кВт·ч 12345,678 6,1234 75 597,52 без акциза 20% 15 119,50 90 717,02",
                     "Всего к оплате (9) 75 597,52 X 15 119,50 90 717,02"):
        assert expected in text


def test_the_act(documents):
    _, text = text_of(render_contract_document_pdf(documents[ACT], SUPPLIER))
    for expected in ("Акт приёма-передачи электрической энергии № С-1001 от 30 ноября 2026 г.",
                     "по договору энергоснабжения № 78078078078000 за ноябрь 2026 г.",
                     "Электрическая энергия кВт·ч 12345,678 6,1234 75 597,52 15 119,50 90 717,02"):
        assert expected in text
