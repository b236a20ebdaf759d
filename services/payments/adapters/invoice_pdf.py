"""The invoice (квитанция) as a one-page A4 PDF with its payment QR code(s).

fpdf2 rather than reportlab: pure Python with three small dependencies (fontTools, Pillow, defusedxml),
embeds a subset of a TrueType font (Cyrillic) and has a table helper — all that a one-page document
needs. segno for the QR code: pure Python, no dependencies, and it encodes exactly the bytes it is given.
The font, DejaVu Sans, ships in fonts/ beside this module with its licence: nothing is taken from the
machine. What the invoice says and its QR payload come from `domain/invoices.py`; this module only lays
them out.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import segno
from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from services.payments.domain.invoices import ENERGY, PENALTIES, Invoice, payment_qr_payload
from services.payments.domain.model import price_text

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVuSans"
NARROW_NBSP = "\u202f"  # between groups of thousands
NBSP = "\u00a0"  # between an amount and its unit
MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь")
QR_SIZE_MM = 42  # ~0.5 mm a module for a payload of ~300 bytes: readable by any phone
QR_PIXELS_PER_MODULE = 8
LINE = 5.5  # mm
BALANCE_WIDTH_MM = 118  # the payment QR codes stand to its right
GREY = (235, 235, 235)


def rub(kop: int) -> str:
    """Kopecks as money is written in Russian: 165770 -> "1 657,70 ₽" (narrow no-break spaces)."""
    rubles, rest = divmod(abs(kop), 100)
    grouped = f"{rubles:,}".replace(",", NARROW_NBSP)
    return f"{'−' if kop < 0 else ''}{grouped},{rest:02d}{NBSP}₽"


def number_text(value: Decimal | None) -> str:
    """A reading or kWh as printed, with a decimal comma; "—" when there is none."""
    return "—" if value is None else f"{value:f}".replace(".", ",")


def payment_qr_png(payload: str) -> bytes:
    """The QR code of a payload as the invoice prints it, a PNG: byte mode holding the payload's UTF-8
    bytes (the ST00012 header says UTF-8; no ECI header, which some bank apps do not expect), error
    correction at least M, the standard 4-module quiet zone."""
    qr = segno.make_qr(payload.encode("utf-8"), error="m")
    out = io.BytesIO()
    qr.save(out, kind="png", scale=QR_PIXELS_PER_MODULE, border=4)
    return out.getvalue()


def a4_document(title: str, *, landscape: bool = False, margins: tuple[float, float] = (15, 12)) -> FPDF:
    """An A4 page in Russian with the shipped DejaVu fonts (regular and bold) and the document's title: what
    every document payments renders starts from."""
    pdf = FPDF(orientation="landscape" if landscape else "portrait", unit="mm", format="A4")
    side, top = margins
    pdf.set_margins(side, top, side)
    pdf.set_auto_page_break(auto=True, margin=top)
    pdf.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(title)
    pdf.set_lang("ru")
    pdf.set_creator("Kabinet")
    pdf.add_page()
    return pdf


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF: supplier's details, the account, the zones, the balance and what is due,
    and the payment QR code — one for energy, one more for penalties when penalties are due."""
    pdf = a4_document(f"Квитанция № {invoice.number} за {_period(invoice)}")
    _supplier(pdf, invoice)
    _title(pdf, invoice)
    _account(pdf, invoice)
    _zones(pdf, invoice)
    top = pdf.get_y()
    _balance(pdf, invoice)
    _qr_codes(pdf, invoice, top)
    return bytes(pdf.output())


def _period(invoice: Invoice) -> str:
    return f"{MONTHS[invoice.period.month - 1]} {invoice.period.year} г."


def _supplier(pdf: FPDF, invoice: Invoice) -> None:
    s = invoice.supplier
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, LINE, s.name, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    for text in (f"ИНН {s.inn}" + (f", КПП {s.kpp}" if s.kpp else ""),
                 f"Р/с {s.settlement_account}, банк: {s.bank_name}",
                 f"БИК {s.bic}, к/с {s.correspondent_account}"):
        pdf.multi_cell(0, 4.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)


def _title(pdf: FPDF, invoice: Invoice) -> None:
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, f"Квитанция № {invoice.number} за {_period(invoice)}", align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, LINE, "Электроэнергия", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _pairs(pdf: FPDF, rows: list[tuple[str, str, bool]], width: float, label_share: float = 0.72) -> None:
    """A two-column block: a label on the left, a value on the right; bold rows stand out."""
    with pdf.table(col_widths=(label_share, 1 - label_share), width=width, align="LEFT",
                   text_align=("LEFT", "RIGHT"), first_row_as_headings=False,
                   borders_layout="HORIZONTAL_LINES", line_height=LINE, padding=(0.8, 1.5)) as table:
        for label, value, bold in rows:
            style = FontFace(emphasis="BOLD") if bold else None
            row = table.row(style=style)
            row.cell(label)
            row.cell(value)


def _account(pdf: FPDF, invoice: Invoice) -> None:
    pdf.set_font(FONT, "", 10)
    with pdf.table(col_widths=(0.22, 0.78), text_align=("LEFT", "LEFT"), first_row_as_headings=False,
                   borders_layout="NONE", line_height=LINE, padding=(0.5, 1)) as table:
        for label, value in (("Лицевой счёт", invoice.account_number), ("Плательщик", invoice.holder),
                             ("Адрес", invoice.address)):
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD"))
            row.cell(value)
    pdf.ln(4)


def _zones(pdf: FPDF, invoice: Invoice) -> None:
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, "Начисления по зонам", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    headings = ("Зона", "Предыдущие показания", "Текущие показания", "Расход, кВт·ч", "Тариф, ₽/кВт·ч",
                "Сумма, ₽")
    with pdf.table(col_widths=(1.3, 1.3, 1.3, 1.1, 1.1, 1.2), line_height=LINE,
                   text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
                   headings_style=FontFace(emphasis="BOLD", fill_color=GREY), padding=(0.8, 1.5)) as table:
        table.row(headings)
        for line in invoice.lines:
            table.row((line.zone_title, number_text(line.previous_reading), number_text(line.current_reading),
                       number_text(line.consumption_kwh), price_text(line.price_rub).replace(".", ","),
                       rub(line.amount_kop).removesuffix(f"{NBSP}₽")))
        total = table.row(style=FontFace(emphasis="BOLD"))
        total.cell("Итого начислено", colspan=5)
        total.cell(rub(invoice.charges_kop).removesuffix(f"{NBSP}₽"))
    pdf.ln(4)


def _balance_row(when: str, kop: int) -> tuple[str, str, bool]:
    """A balance in words of its sign: «Задолженность на …» for a debt, «Переплата на …» for a credit."""
    word = "Переплата" if kop > 0 else "Задолженность"
    return f"{word} {when}", rub(abs(kop)), False


def _balance(pdf: FPDF, invoice: Invoice) -> None:
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, "Расчёты за период", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    pen = invoice.penalties
    rows = [_balance_row("на начало периода", invoice.opening_balance_kop),
            ("Начислено за период", rub(invoice.charges_kop), False)]
    if invoice.adjustments_kop:
        rows.append(("Перерасчёт (− в вашу пользу)", rub(-invoice.adjustments_kop), False))
    rows += [("Оплачено в периоде", rub(invoice.payments_kop), False),
             _balance_row("на конец периода", invoice.closing_balance_kop),
             _balance_row("по пени на начало периода", pen.opening_balance_kop),
             ("Пени начислено", rub(pen.accrued_kop), False),
             ("Пени оплачено", rub(pen.paid_kop), False),
             ("К оплате за электроэнергию", rub(invoice.amount_due_kop), True),
             ("К оплате пени", rub(pen.amount_due_kop), True),
             ("Итого к оплате", rub(invoice.total_due_kop), True),
             ("Оплатить до", invoice.due_date.strftime("%d.%m.%Y"), True)]
    _pairs(pdf, rows, width=BALANCE_WIDTH_MM)
    pdf.set_font(FONT, "", 7.5)
    pdf.multi_cell(BALANCE_WIDTH_MM, 3.8, "Пени оплачиваются отдельным платежом: переплата за электроэнергию "
                   "их не погашает.", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _qr_codes(pdf: FPDF, invoice: Invoice, top: float) -> None:
    """The payment QR codes in a column right of the balance, from `top` down."""
    codes = [(ENERGY, "Электроэнергия", invoice.amount_due_kop)]
    if invoice.penalties.amount_due_kop:
        codes.append((PENALTIES, "Пени", invoice.penalties.amount_due_kop))
    x = pdf.w - pdf.r_margin - QR_SIZE_MM
    y = top
    for bucket, what, due in codes:
        png = io.BytesIO(payment_qr_png(payment_qr_payload(invoice, bucket)))
        pdf.image(png, x=x, y=y, w=QR_SIZE_MM, h=QR_SIZE_MM, alt_text=f"QR-код для оплаты: {what.lower()}")
        pdf.set_xy(x, y + QR_SIZE_MM)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(QR_SIZE_MM, 4.5, "Оплата по QR-коду", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 8)
        pdf.cell(QR_SIZE_MM, 4, f"{what}: {rub(due) if due else 'сумму укажите сами'}", align="C",
                 new_x=XPos.LEFT, new_y=YPos.NEXT)
        y = pdf.get_y() + 3
