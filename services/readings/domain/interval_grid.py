"""The filled template of an hourly profile, cell by cell: every bad cell reported with its address, all at once.

The layout (seed 000, «Формат файла загрузки интервальных данных»): column A holds the hours "00-01" … "23-24"
(rows 2…25), row 1 the dates of the month (B1 the 1st … AF1 the 31st), and each value sits where its hour and
date cross. The adapter (adapters/interval_xlsx.py) turns the sheet into rows of plain cell values (str, int,
float, date, datetime or None); everything else is decided here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kit.errors import InvalidInput

HOURS = tuple(f"{h:02d}-{h + 1:02d}" for h in range(24))  # the rows' labels, «00-01» … «23-24»
PLACES = 7                     # «Почасовой профиль может иметь до 7 знаков после запятой»
WHOLE_DIGITS = 12              # an hour's energy fits numeric(20, 7) with room to sum a month
MAX_ERRORS = 100               # listed; the message says how many there are in all
FIRST_ROW, FIRST_COL = 2, 2    # 1-based: values start at B2
HOUR_LABEL = re.compile(r"(\d{1,2})\s*[-–—]\s*(\d{1,2})")
TEXT_NUMBER = re.compile(r"[+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
TEXT_DATE = (re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"),
             re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"))
MONTHS_IN = ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре", "октябре",
             "ноябре", "декабре")

Cell = str | int | float | dt.date | dt.datetime | None


@dataclass(frozen=True)
class Grid:
    """A checked profile: the month and its values, day-major (day 1 "00-01" … "23-24", day 2 …)."""

    period: dt.date
    values: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.values, Decimal(0)).quantize(Decimal(1).scaleb(-PLACES))


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    name = ""
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


def address(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def days_in(period: dt.date) -> int:
    return calendar.monthrange(period.year, period.month)[1]


def read_grid(rows: Sequence[Sequence[Cell]], period: dt.date | None) -> Grid:
    """The profile of the sheet's rows for `period` (None: the month of B1's date); InvalidInput
    "invalid_interval_file" with one field error per bad cell (its address) otherwise."""
    errors: dict[str, str] = {}
    header = list(rows[0]) if rows else []
    period = period or _month_of(header)
    if period is None:
        errors["B1"] = "неверная дата: ожидается первое число месяца (ДД.ММ.ГГГГ)"
        raise _invalid(errors)
    days = days_in(period)
    _check_dates(header, period, days, errors)
    _check_extra(rows, period, days, errors)
    values = _check_values(rows, days, errors)
    if errors:
        raise _invalid(errors)
    return Grid(period=period, values=tuple(values))


def _check_dates(header: list[Cell], period: dt.date, days: int, errors: dict[str, str]) -> None:
    for day in range(1, days + 1):
        col = FIRST_COL + day - 1
        expected = period.replace(day=day)
        cell = header[col - 1] if col <= len(header) else None
        if _blank(cell):
            errors[address(1, col)] = f"нет даты {expected:%d.%m.%Y}: в {_month_title(period)} {days} дн."
            continue
        got = as_date(cell)
        if got is None:
            errors[address(1, col)] = "неверная дата"
        elif got != expected:
            errors[address(1, col)] = f"ожидается {expected:%d.%m.%Y}, а не {got:%d.%m.%Y}"


def _check_extra(rows: Sequence[Sequence[Cell]], period: dt.date, days: int, errors: dict[str, str]) -> None:
    """Columns past the month's last day and rows past «23-24»: reported once each, at their first filled cell."""
    last_col, last_row = FIRST_COL + days - 1, FIRST_ROW + len(HOURS) - 1
    seen_cols: set[int] = set()
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row, start=1):
            if _blank(cell):
                continue
            if r > last_row:
                errors.setdefault(address(r, c), "лишняя строка: в шаблоне 24 часа, до «23-24»")
                break
            if c > last_col and c not in seen_cols:
                seen_cols.add(c)
                errors.setdefault(address(r, c), f"лишний столбец: в {_month_title(period)} {days} дн.")


def _check_values(rows: Sequence[Sequence[Cell]], days: int, errors: dict[str, str]) -> list[Decimal]:
    by_cell: dict[tuple[int, int], Decimal] = {}
    for hour, label in enumerate(HOURS):
        r = FIRST_ROW + hour
        row = rows[r - 1] if r <= len(rows) else ()
        first = row[0] if row else None
        if not row or all(_blank(c) for c in row):
            errors[address(r, 1)] = f"нет строки «{label}»"
            continue
        if not _is_hour(first, hour):
            errors[address(r, 1)] = f"ожидается час «{label}»"
        for day in range(1, days + 1):
            c = FIRST_COL + day - 1
            value = parse_value(row[c - 1] if c <= len(row) else None)
            if isinstance(value, Decimal):
                by_cell[(day, hour)] = value
            else:
                errors[address(r, c)] = value
    return [by_cell.get((day, hour), Decimal(0)) for day in range(1, days + 1) for hour in range(24)]


def parse_value(cell: Cell) -> Decimal | str:
    """An hour's energy: a number ≥ 0 with at most 7 decimals (a number cell, or text with "." or ","), or the
    reason it is not one."""
    if _blank(cell):
        return "пустая ячейка: укажите расход (0, если его не было)"
    if isinstance(cell, bool | dt.date):
        return "не число"
    if isinstance(cell, int | float):
        text = repr(float(cell)) if isinstance(cell, float) else str(cell)
    else:
        text = cell.strip().replace("\u00a0", "").replace(" ", "")
        if text.startswith(("-", "\u2212")) and TEXT_NUMBER.fullmatch(text[1:]):
            return "отрицательное значение"
        if not TEXT_NUMBER.fullmatch(text):
            return "не число"
        text = text.replace(",", ".").lstrip("+")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return "не число"
    if not value.is_finite():
        return "не число"
    if value < 0:
        return "отрицательное значение"
    if -value.normalize().as_tuple().exponent > PLACES:
        return f"больше {PLACES} знаков после запятой"
    if value >= Decimal(10) ** WHOLE_DIGITS:
        return "слишком большое значение"
    return value.quantize(Decimal(1).scaleb(-PLACES))


def as_date(cell: Cell) -> dt.date | None:
    """A header cell as a date: a date cell, or text ДД.ММ.ГГГГ / ГГГГ-ММ-ДД."""
    if isinstance(cell, dt.datetime):
        return cell.date() if cell.time() == dt.time() else None
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, str):
        for pattern in TEXT_DATE:
            match = pattern.fullmatch(cell.strip())
            if match:
                try:
                    return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
                except ValueError:
                    return None
    return None


def _month_of(header: list[Cell]) -> dt.date | None:
    """The month the file is for when the request does not say: that of its first date (B1, or the next one
    readable, so that a bad B1 does not hide the other cells' errors)."""
    for cell in header[FIRST_COL - 1:]:
        day = as_date(cell)
        if day is not None:
            return day.replace(day=1)
    return None


def _is_hour(cell: Cell, hour: int) -> bool:
    match = HOUR_LABEL.fullmatch(cell.strip()) if isinstance(cell, str) else None
    return bool(match) and int(match[1]) == hour and int(match[2]) == hour + 1


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _month_title(period: dt.date) -> str:
    """«ноябре 2026» (after «в»)."""
    return f"{MONTHS_IN[period.month - 1]} {period.year}"


def _invalid(errors: dict[str, str]) -> InvalidInput:
    ordered = dict(sorted(errors.items(), key=lambda kv: _cell_order(kv[0])))
    shown = dict(list(ordered.items())[:MAX_ERRORS])
    count = len(ordered)
    more = f", показаны первые {MAX_ERRORS}" if count > MAX_ERRORS else ""
    return InvalidInput(f"Файл не принят: {count} {_errors_word(count)} в ячейках{more}. Исправьте их и загрузите "
                        "файл снова — из файла с ошибками ничего не сохранено.",
                        code="invalid_interval_file", fields=shown)


def _cell_order(cell: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    if not match:
        return (0, 0)
    col = 0
    for ch in match[1]:
        col = col * 26 + ord(ch) - 64
    return (int(match[2]), col)


def _errors_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "ошибка"
    return "ошибки" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "ошибок"
