"""The receipt (чек) of a card payment made through the cabinet, as a one-page A4 PDF: the 54-ФЗ data that
was sent to the provider with the payment (seller, ИНН, lines, VAT, total, the buyer's contact), the date,
the provider's payment id and the fiscal status the provider reports."""

from __future__ import annotations

from dataclasses import dataclass

from fpdf.enums import XPos, YPos

from services.payments.adapters.invoice_pdf import FONT, LINE, a4_document, rub
from services.payments.domain.card_payments import vat_kop

VAT_TEXT = {1: "без НДС", 2: "НДС 0 %", 3: "НДС 10 %", 4: "НДС 20 %", 5: "НДС 10/110", 6: "НДС 20/120",
            7: "НДС 5 %", 8: "НДС 7 %", 9: "НДС 5/105", 10: "НДС 7/107", 11: "НДС 22 %", 12: "НДС 22/122"}
FISCAL_TEXT = {"succeeded": "зарегистрирован в ФНС", "pending": "регистрируется", "canceled": "не зарегистрирован"}


@dataclass(frozen=True)
class ReceiptDocument:
    payment_id: str
    provider_payment_id: str
    paid_at: str                       # "03.12.2026 21:30 (МСК)"
    sellers: tuple[tuple[str, str], ...]  # (name, ИНН)
    lines: tuple[tuple[str, int, int], ...]  # (description, amount kop, vat code)
    total_kop: int
    contact: str
    card: str
    fiscal: tuple[str, ...]            # the provider's receipts: status and fiscal attributes, as text lines

    @property
    def filename(self) -> str:
        return f"chek-{self.payment_id}.pdf"


def render_receipt_pdf(doc: ReceiptDocument) -> bytes:
    pdf = a4_document(f"Чек об оплате {doc.payment_id}")
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 9, "Кассовый чек. Приход", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    for name, inn in doc.sellers:
        pdf.cell(0, LINE, f"Продавец: {name}, ИНН {inn or '—'}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, LINE, f"Дата и время оплаты: {doc.paid_at}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, LINE, "Оплата банковской картой через ЮKassa" + (f", карта {doc.card}" if doc.card else ""),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, LINE, f"Платёж в ЮKassa: {doc.provider_payment_id}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, LINE, f"Чек отправлен: {doc.contact}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    with pdf.table(col_widths=(80, 15, 30, 25, 30), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row(("Наименование", "Кол-во", "Сумма", "Ставка", "НДС"))
        for description, amount, vat in doc.lines:
            table.row((description, "1", rub(amount), VAT_TEXT.get(vat, str(vat)), rub(vat_kop(amount, vat))))
    pdf.ln(2)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, f"Итого: {rub(doc.total_kop)}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.cell(0, LINE, f"в т. ч. НДС: {rub(sum(vat_kop(a, v) for _, a, v in doc.lines))}", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    pdf.cell(0, LINE, "Признак расчёта: приход. Способ расчёта: полный расчёт.", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.cell(0, LINE, "Фискальные данные (по данным ЮKassa):", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for line in doc.fiscal or ("нет данных: платёжный сервис сейчас недоступен",):
        pdf.multi_cell(0, LINE, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def fiscal_lines(receipts: list[dict]) -> tuple[str, ...]:
    """The provider's receipts (GET /receipts) as printed lines: status and the fiscal attributes it has."""
    lines = []
    for r in receipts:
        status = FISCAL_TEXT.get(str(r.get("status", "")), str(r.get("status", "")))
        parts = [f"чек {r.get('id', '')}: {status}"]
        for key, title in (("fiscal_document_number", "ФД"), ("fiscal_storage_number", "ФН"),
                           ("fiscal_attribute", "ФП"), ("registered_at", "зарегистрирован")):
            if r.get(key):
                parts.append(f"{title} {r[key]}")
        lines.append(", ".join(parts))
    return tuple(lines)
