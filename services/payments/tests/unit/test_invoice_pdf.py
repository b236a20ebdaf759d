"""The invoice PDF as a person and a bank app read it: it opens, it says what is due, its QR codes scan
to exactly the payload of the domain, Cyrillic included."""

import dataclasses
import io
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from services.payments.adapters.invoice_pdf import payment_qr_png, render_invoice_pdf, rub
from services.payments.domain.invoices import PENALTIES, InvoiceLine, Penalties, payment_qr_payload
from services.payments.tests.unit.test_invoices import EXPECTED_PAYLOAD, SUPPLIER, invoice

A4_POINTS = (595.28, 841.89)


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    # Narrow and ordinary no-break spaces are whitespace too: compare words, not spacing.
    return reader, " ".join(reader.pages[0].extract_text().split())


def scanned(image: Image.Image) -> list[str]:
    """What a phone reads from a picture: the QR codes' bytes, taken as the UTF-8 their header says."""
    codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.bytes.decode("utf-8") for code in codes]


def qr_codes_in(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [text for picture in reader.pages[0].images for text in scanned(picture.image)]


@pytest.fixture(scope="module")
def worked_example() -> bytes:
    return render_invoice_pdf(invoice())


def test_the_pdf_opens_as_one_a4_page(worked_example):
    reader, _ = read(worked_example)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_POINTS
    assert reader.metadata.title == "Квитанция № 2026-11-000123 за ноябрь 2026 г."


def test_it_shows_the_account_and_what_is_due(worked_example):
    _, text = read(worked_example)
    assert "Лицевой счёт 12-12345678" in text
    assert "К оплате за электроэнергию 1 657,70 ₽" in text
    assert "К оплате пени 19,42 ₽" in text
    assert "Итого к оплате 1 677,12 ₽" in text
    assert "Оплатить до 15.12.2026" in text


def test_it_shows_the_supplier_the_zones_and_the_balance(worked_example):
    _, text = read(worked_example)
    for expected in ("АО «Северная энергосбытовая компания»", "ИНН 7801234567, КПП 780101001",
                     "Р/с 40702810955000012345, банк: Северо-Западный банк ПАО Сбербанк",
                     "БИК 044030653, к/с 30101810500000000653",
                     "Квитанция № 2026-11-000123 за ноябрь 2026 г.",
                     "Плательщик Иванов Иван Иванович", "Адрес г. Санкт-Петербург, ул. Примерная, д. 1, кв. 2",
                     "День 10250 10400 150 8,11 1 216,50", "Ночь 4100 4160 60 4,02 241,20",
                     "Итого начислено 1 457,70",
                     "Задолженность на начало периода 1 200,00 ₽", "Начислено за период 1 457,70 ₽",
                     "Оплачено в периоде 1 000,00 ₽", "Задолженность на конец периода 1 657,70 ₽",
                     "Задолженность по пени на начало периода 15,30 ₽", "Пени начислено 4,12 ₽",
                     "Пени оплачено 0,00 ₽", "Оплата по QR-коду"):
        assert expected in text


def test_the_text_is_in_the_shipped_font_embedded(worked_example):
    reader, _ = read(worked_example)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = set()
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor  # embedded, so the PDF reads the same on any machine
        names.add(str(font["/BaseFont"]).split("+")[-1])
    assert names == {"DejaVuSansBook", "DejaVuSansBold"}  # the fonts' PostScript names


def test_the_qr_codes_in_the_pdf_scan_to_the_exact_payloads(worked_example):
    assert qr_codes_in(worked_example) == [EXPECTED_PAYLOAD, payment_qr_payload(invoice(), PENALTIES)]


def test_the_qr_image_decodes_to_the_payload_cyrillic_included():
    image = Image.open(io.BytesIO(payment_qr_png(EXPECTED_PAYLOAD)))
    (code,) = zxingcpp.read_barcodes(image)
    assert code.bytes.decode("utf-8") == EXPECTED_PAYLOAD
    assert code.text == EXPECTED_PAYLOAD
    assert code.symbology_identifier == "]Q1"  # no ECI header: the ST00012 header names the encoding


def test_no_penalties_due_one_qr_code():
    pdf = render_invoice_pdf(invoice(penalties=Penalties()))
    assert qr_codes_in(pdf) == [EXPECTED_PAYLOAD]
    assert "К оплате пени 0,00 ₽" in read(pdf)[1]


def test_nothing_due_the_qr_code_asks_for_an_amount():
    inv = invoice(opening_balance_kop=10000, payments_kop=145770, penalties=Penalties())
    pdf = render_invoice_pdf(inv)
    (payload,) = qr_codes_in(pdf)
    assert "|Sum=" not in payload
    _, text = read(pdf)
    assert "Переплата на конец периода 100,00 ₽" in text
    assert "Итого к оплате 0,00 ₽" in text
    assert "Электроэнергия: сумму укажите сами" in text


def test_money_is_written_as_in_russian():
    assert rub(0) == "0,00\u00a0₽"
    assert rub(5) == "0,05\u00a0₽"
    assert rub(123456789) == "1\u202f234\u202f567,89\u00a0₽"
    assert rub(-165770) == "−1\u202f657,70\u00a0₽"


def test_the_longest_details_still_fit_one_page_and_scan():
    supplier = dataclasses.replace(SUPPLIER, name="Энергосбыт " * 14 + "Ж" * 6, bank_name="Б" * 45)
    lines = tuple(InvoiceLine(zone=zone, previous_reading=Decimal("123456.78"), current_reading=Decimal("124000.01"),
                              consumption_kwh=Decimal("543.23"), price_rub=Decimal("9.1234"), amount_kop=495614)
                  for zone in ("peak", "semi_peak", "night"))
    inv = invoice(supplier=supplier, number="N" * 30, account_number="018\\" + "0" * 26, lines=lines,
                  address="Ленинградская область, " * 8, adjustments_kop=-1234)
    pdf = render_invoice_pdf(inv)
    reader, text = read(pdf)
    assert len(reader.pages) == 1
    assert "Лицевой счёт 018\\" + "0" * 26 in text
    assert "Перерасчёт (− в вашу пользу) 12,34 ₽" in text
    assert qr_codes_in(pdf) == [payment_qr_payload(inv), payment_qr_payload(inv, PENALTIES)]
