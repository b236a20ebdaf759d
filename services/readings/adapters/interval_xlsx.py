"""The hourly profile's .xlsx: the template written with openpyxl, an upload read with calamine (Rust; a month's
744 cells in about a millisecond, openpyxl needs tens). What the cells mean is domain/interval_grid.py's."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from python_calamine import CalamineError, CalamineWorkbook

from kit.errors import InvalidInput
from services.readings.domain.interval_grid import FIRST_COL, FIRST_ROW, HOURS, Cell, column_letter, days_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UNPACKED = 20 * 1024 * 1024   # a filled month is ~15 KB unpacked; a zip bomb is refused before parsing
MAX_ROWS = 200                     # read; rows below are not looked at (the template has 25)


def template(period: dt.date, meter_number: str) -> bytes:
    """Column A the hours «00-01» … «23-24», row 1 the month's dates, the values empty (seed 000's layout)."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{period:%m.%Y}"
    sheet.cell(1, 1, "Час / дата").font = Font(bold=True)
    for day in range(1, days_in(period) + 1):
        cell = sheet.cell(1, FIRST_COL + day - 1, period.replace(day=day))
        cell.number_format = "DD.MM.YYYY"
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[column_letter(FIRST_COL + day - 1)].width = 12
    for hour, label in enumerate(HOURS):
        sheet.cell(FIRST_ROW + hour, 1, label).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 11
    sheet.freeze_panes = "B2"
    book.properties.title = f"Почасовой профиль, счётчик {meter_number}, {period:%m.%Y}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(period: dt.date, meter_number: str) -> str:
    safe = "".join(ch for ch in meter_number if ch.isalnum()) or "pu"
    return f"interval-{period:%Y-%m}-{safe}.xlsx"


def read_rows(content: bytes) -> list[list[Cell]]:
    """The first sheet's cells from A1 (empty cells are ""), or InvalidInput when the bytes are not an .xlsx."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise _not_xlsx()
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False, nrows=MAX_ROWS)
    except (zipfile.BadZipFile, CalamineError, ValueError, IndexError):
        raise _not_xlsx() from None


def _not_xlsx() -> InvalidInput:
    return InvalidInput("Загрузите заполненный шаблон в формате .xlsx (Excel).", code="invalid_interval_file",
                        fields={"file": "Файл не читается как книга Excel (.xlsx)."})
