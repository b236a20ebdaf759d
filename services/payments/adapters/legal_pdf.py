"""Legal entities' monthly documents as PDFs: счёт на оплату, счёт-фактура (the form of Постановление
Правительства РФ от 26.12.2011 № 1137, as amended), акт приёма-передачи электрической энергии.

fpdf2 and the DejaVu fonts shipped in fonts/ (nothing is taken from the machine), like the invoice of a
household (`invoice_pdf.py`). What the documents say comes from `domain/contract_documents.py`; this
module only lays it out. The seller is the projected supplier (payments knows no address of it: the
line stays blank, to be completed from the supplier's registry when it carries one).
"""

from __future__ import annotations

from decimal import Decimal

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from services.payments.adapters.invoice_pdf import FONT, GREY, MONTHS, NBSP, a4_document, number_text, rub
from services.payments.domain.contract_documents import ACT, INVOICE, VAT_INVOICE, ContractDocument
from services.payments.domain.invoices import SupplierDetails
from services.payments.domain.model import price_text

KWH_CODE, KWH = "245", "кВт·ч"  # ОКЕИ
RUBLE = ("643", "Российский рубль")  # ОКВ
MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря")


def money(kop: int) -> str:
    """1 234,56 (no currency sign: the documents' columns name it)."""
    return rub(kop).removesuffix(f"{NBSP}₽")


def date_text(day) -> str:
    """«3 декабря 2026 г.» as documents date themselves."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def period_text(document: ContractDocument) -> str:
    return f"{MONTHS[document.period.month - 1]} {document.period.year} г."


def render_contract_document_pdf(document: ContractDocument, seller: SupplierDetails) -> bytes:
    """The document of its kind as a one-page A4 PDF (the счёт-фактура landscape)."""
    draw = {INVOICE: _invoice, VAT_INVOICE: _vat_invoice, ACT: _act}[document.kind]
    pdf = a4_document(f"{document.title} № {document.number} от {document.issued_on:%d.%m.%Y}",
                      landscape=document.kind == VAT_INVOICE, margins=(12, 10))
    draw(pdf, document, seller)
    return bytes(pdf.output())


def _inn_kpp(inn: str, kpp: str) -> str:
    return f"{inn}/{kpp}" if kpp else inn


def _line(pdf: FPDF, text: str, size: float = 9, bold: bool = False, height: float = 4.6) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _title(pdf: FPDF, text: str, size: float = 13) -> None:
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, 7, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _signatures(pdf: FPDF, *labels: str) -> None:
    pdf.ln(6)
    pdf.set_font(FONT, "", 9)
    for label in labels:
        pdf.cell(0, 8, f"{label} ____________________ /____________________/", new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)


def _buyer(document: ContractDocument) -> tuple[str, str, str]:
    c = document.content
    return c.get("holder", ""), _inn_kpp(c.get("inn", ""), c.get("kpp", "")), c.get("address", "")


def _totals(pdf: FPDF, document: ContractDocument) -> None:
    rows = [("Итого без НДС:", money(document.net_kop)),
            (f"НДС ({document.vat_rate_text}):" if document.content.get("vat_rate") != "без НДС" else "Без НДС:",
             money(document.vat_kop)),
            ("Всего к оплате:", money(document.amount_kop))]
    pdf.set_font(FONT, "B", 9)
    for label, value in rows:
        pdf.cell(pdf.w - pdf.r_margin - pdf.l_margin - 35, 5, label, align="R")
        pdf.cell(35, 5, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


# --- счёт на оплату ------------------------------------------------------------------------------

def _invoice(pdf: FPDF, document: ContractDocument, seller: SupplierDetails) -> None:
    pdf.set_font(FONT, "", 9)
    with pdf.table(col_widths=(0.6, 0.4), first_row_as_headings=False, line_height=4.8,
                   padding=(0.8, 1.5)) as table:
        for left, right in ((f"Банк получателя: {seller.bank_name}", f"БИК {seller.bic}"),
                            ("", f"Сч. № {seller.correspondent_account}"),
                            (f"ИНН {seller.inn}    КПП {seller.kpp or '—'}", f"Сч. № {seller.settlement_account}"),
                            (f"Получатель: {seller.name}", "")):
            table.row((left, right))
    pdf.ln(4)
    _title(pdf, f"Счёт на оплату № {document.number} от {date_text(document.issued_on)}")
    holder, inn_kpp, address = _buyer(document)
    _line(pdf, f"Поставщик: {seller.name}, ИНН/КПП {_inn_kpp(seller.inn, seller.kpp)}")
    _line(pdf, f"Покупатель: {holder}, ИНН/КПП {inn_kpp}, {address}")
    _line(pdf, f"Основание: договор энергоснабжения № {document.contract_number}")
    pdf.ln(3)
    _items(pdf, document, f"{document.content.get('description', '')} за {period_text(document)}")
    pdf.ln(2)
    _totals(pdf, document)
    pdf.ln(2)
    _line(pdf, f"Всего наименований 1, на сумму {money(document.amount_kop)} руб.")
    _line(pdf, "Оплатить не позднее срока, установленного договором энергоснабжения. В назначении платежа "
               f"укажите номер счёта и договора № {document.contract_number}.", size=8)
    _signatures(pdf, "Руководитель", "Главный бухгалтер")


def _items(pdf: FPDF, document: ContractDocument, description: str) -> None:
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(col_widths=(0.5, 4, 1.3, 0.8, 1.2, 1.4), line_height=4.8,
                   text_align=("CENTER", "LEFT", "RIGHT", "CENTER", "RIGHT", "RIGHT"),
                   headings_style=FontFace(emphasis="BOLD", fill_color=GREY), padding=(0.8, 1.2)) as table:
        table.row(("№", "Наименование", "Количество", "Ед.", "Цена без НДС, руб.", "Сумма без НДС, руб."))
        table.row(("1", description, number_text(document.kwh), KWH, _price(document.price_rub),
                   money(document.net_kop)))


def _price(price: Decimal) -> str:
    return price_text(price).replace(".", ",")


# --- счёт-фактура (Постановление № 1137) ------------------------------------------------------------

VAT_HEADINGS = (
    "№ п/п", "Код товара/ работ, услуг",
    "Наименование товара (описание выполненных работ, оказанных услуг), имущественного права",
    "Код вида товара", "Единица измерения: код", "условное обозначение (национальное)", "Количество (объём)",
    "Цена (тариф) за единицу измерения", "Стоимость товаров (работ, услуг), имущественных прав без налога — всего",
    "В том числе сумма акциза", "Налоговая ставка", "Сумма налога, предъявляемая покупателю",
    "Стоимость товаров (работ, услуг), имущественных прав с налогом — всего",
    "Страна происхождения товара: цифровой код", "краткое наименование",
    "Регистрационный номер декларации на товары или партии товара, подлежащего прослеживаемости",
    "Количественная единица измерения товара для прослеживаемости: код", "условное обозначение",
    "Количество товара, подлежащего прослеживаемости",
)
VAT_WIDTHS = (0.6, 0.9, 3.2, 0.8, 0.8, 0.9, 1.3, 1.2, 1.6, 0.9, 0.9, 1.3, 1.6, 0.9, 0.9, 1.3, 1.1, 0.9, 1.1)


def _vat_invoice(pdf: FPDF, document: ContractDocument, seller: SupplierDetails) -> None:
    pdf.set_font(FONT, "", 6.5)
    pdf.multi_cell(0, 3, "Приложение № 1 к постановлению Правительства Российской Федерации от 26 декабря 2011 г. "
                         "№ 1137", align="R",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    _line(pdf, f"Счёт-фактура № {document.number} от {date_text(document.issued_on)}   (1)", size=11, bold=True)
    holder, inn_kpp, address = _buyer(document)
    for text in ("Исправление № — от —   (1а)",
                 f"Продавец: {seller.name}   (2)",
                 "Адрес: —   (2а)",
                 f"ИНН/КПП продавца: {_inn_kpp(seller.inn, seller.kpp)}   (2б)",
                 "Грузоотправитель и его адрес: он же   (3)",
                 f"Грузополучатель и его адрес: {holder}, {address}   (4)",
                 "К платёжно-расчётному документу № — от —   (5)",
                 f"Документ об отгрузке: № п/п 1 № {document.number} от {document.issued_on:%d.%m.%Y}   (5а)",
                 f"Покупатель: {holder}   (6)",
                 f"Адрес: {address}   (6а)",
                 f"ИНН/КПП покупателя: {inn_kpp}   (6б)",
                 f"Валюта: наименование, код: {RUBLE[1]}, {RUBLE[0]}   (7)",
                 "Идентификатор государственного контракта, договора (соглашения) (при наличии): —   (8)"):
        _line(pdf, text, size=8, height=3.9)
    pdf.ln(2)
    pdf.set_font(FONT, "", 6)
    vat = document.content.get("vat_rate", "без НДС")
    with pdf.table(col_widths=VAT_WIDTHS, line_height=3, text_align="CENTER",
                   headings_style=FontFace(emphasis="BOLD", fill_color=GREY), padding=(0.5, 0.6)) as table:
        table.row(VAT_HEADINGS)
        table.row(("1", "—", f"{document.content.get('description', '')} за {period_text(document)}", "—",
                   KWH_CODE, KWH, number_text(document.kwh), _price(document.price_rub), money(document.net_kop),
                   "без акциза", document.vat_rate_text if vat != "без НДС" else "без НДС",
                   money(document.vat_kop) if vat != "без НДС" else "без НДС", money(document.amount_kop),
                   "—", "—", "—", "—", "—", "—"))
        total = table.row(style=FontFace(emphasis="BOLD"))
        total.cell("Всего к оплате (9)", colspan=8, align="LEFT")
        total.cell(money(document.net_kop))
        total.cell("X", colspan=2)
        total.cell(money(document.vat_kop))
        total.cell(money(document.amount_kop))
        total.cell("", colspan=6)
    _signatures(pdf, "Руководитель организации или иное уполномоченное лицо",
                "Главный бухгалтер или иное уполномоченное лицо")


# --- акт приёма-передачи ---------------------------------------------------------------------------

def _act(pdf: FPDF, document: ContractDocument, seller: SupplierDetails) -> None:
    _title(pdf, f"Акт приёма-передачи электрической энергии № {document.number} от {date_text(document.issued_on)}")
    holder, inn_kpp, address = _buyer(document)
    _line(pdf, f"по договору энергоснабжения № {document.contract_number} за {period_text(document)}")
    pdf.ln(2)
    _line(pdf, f"Гарантирующий поставщик (продавец): {seller.name}, ИНН/КПП {_inn_kpp(seller.inn, seller.kpp)}")
    _line(pdf, f"Потребитель (покупатель): {holder}, ИНН/КПП {inn_kpp}, {address}")
    pdf.ln(2)
    _line(pdf, "Продавец передал, а покупатель принял электрическую энергию (мощность) в следующем объёме:")
    pdf.ln(1)
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(col_widths=(3.2, 0.8, 1.4, 1.3, 1.5, 1.2, 1.5), line_height=4.8,
                   text_align=("LEFT", "CENTER", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
                   headings_style=FontFace(emphasis="BOLD", fill_color=GREY), padding=(0.8, 1.2)) as table:
        table.row(("Наименование", "Ед.", "Количество", "Цена без НДС, руб.", "Сумма без НДС, руб.",
                   f"НДС ({document.vat_rate_text}), руб.", "Сумма с НДС, руб."))
        table.row((document.content.get("description", ""), KWH, number_text(document.kwh),
                   _price(document.price_rub), money(document.net_kop), money(document.vat_kop),
                   money(document.amount_kop)))
    pdf.ln(2)
    _totals(pdf, document)
    pdf.ln(2)
    _line(pdf, "Электрическая энергия передана в объёме, определённом по показаниям приборов учёта. Стороны "
               "претензий по объёму и качеству не имеют.", size=8.5)
    _signatures(pdf, "От продавца", "От покупателя")
