"""The reconciliation report (сверка с реестром банка) as .xlsx: a summary sheet and a sheet per outcome
(write-only workbook: a 100,000-row registry streams, it is not held as cells)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from services.payments.domain.bank_registry import (
    MATCHED,
    OUTCOME_TITLES,
    OUTCOMES,
    BankRegistry,
    ReconciliationLine,
)

HEADER = ("Строка", "Операция", "Лицевой счёт", "Дата оплаты", "Сумма в реестре, ₽", "Сумма в учёте, ₽",
          "Действие", "Примечание", "Плательщик")
MATCHED_HEADER = HEADER[:5]  # a match needs no second amount, action or note: the sheet of most rows stays small
ACTIONS = {"posted": "зачислен", "listed": "на рассмотрение", "": ""}


def render_reconciliation(registry: BankRegistry, lines: list[ReconciliationLine]) -> bytes:
    book = Workbook(write_only=True)
    summary = book.create_sheet("Итоги")
    bold = Font(bold=True)
    for title, value in (
        ("Реестр", registry.registry_id), ("Банк (партнёр)", registry.partner_id), ("Поставщик", registry.supplier_id),
        ("Дата реестра", registry.registry_date.isoformat()), ("SHA-256 файла", registry.sha256),
        ("Строк", registry.rows), ("Сумма реестра, ₽", registry.total_kop / 100),
        ("Сошлось", registry.matched), ("Нет в учёте", registry.missing_in_ledger),
        ("  из них зачислено по реестру", registry.posted), ("Нет в реестре", registry.missing_in_registry),
        ("Расхождение суммы", registry.amount_mismatch),
    ):
        label = WriteOnlyCell(summary, title)
        label.font = bold
        summary.append([label, value])
    sheets = {outcome: book.create_sheet(OUTCOME_TITLES[outcome]) for outcome in OUTCOMES}
    for outcome, sheet in sheets.items():
        sheet.append([_bold(sheet, h, bold) for h in (MATCHED_HEADER if outcome == MATCHED else HEADER)])
    for x in lines:
        row = [x.line or None, x.txn_id, x.account_number, x.paid_on, x.registry_kop / 100 or None]
        if x.outcome != MATCHED:
            row += [x.ledger_kop / 100 or None, ACTIONS.get(x.action, x.action), x.note, x.payer]
        sheets[x.outcome].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(sheet, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.font = font
    return cell
