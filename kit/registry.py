"""The supplier's registry (реестр) files, whichever service imports its part: CSV in, rows with line
numbers out, and the cell rules every part shares (required, date, amount), each refusal a Russian
reason for the staff member who imported the file (docs/registry-format.md).

Every part uses them: accounts' files (accounts, meters, payments, contracts), payments' money files and
readings' last readings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kit.errors import InvalidInput


class RowError(ValueError):
    """One reason a row is rejected (Russian)."""


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


@dataclass
class Parsed:
    rows: list = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


@dataclass
class FileReport:
    """What an import did with one file (the shape every service's registry reply has)."""

    kind: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def finish(self) -> FileReport:
        """Rejections in line order; every row neither rejected, inserted nor updated is unchanged."""
        self.rejected.sort(key=lambda r: r.line)
        self.unchanged = self.rows - len(self.rejected) - self.inserted - self.updated
        return self


def read_csv(data: bytes | str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row with stripped cells) for each data row; the header must name `columns` (any
    order, extra columns ignored) or nothing is imported: InvalidInput "registry_header"."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = [c for c in columns if c not in set(reader.fieldnames or [])]
    if missing:
        raise InvalidInput(f"В заголовке файла нет колонок: {', '.join(missing)}.", code="registry_header")
    return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


def parse(rows: Iterable[tuple[int, Mapping[str, str]]], parse_row: Callable, key: Callable) -> Parsed:
    """Validate every row; a second row with the same key is rejected, the first one stands."""
    out = Parsed()
    seen: dict[object, int] = {}
    for line, raw in rows:
        try:
            row = parse_row(line, raw)
        except RowError as exc:
            out.rejected.append(Rejection(line, str(exc)))
            continue
        k = key(row)
        if k in seen:
            out.rejected.append(Rejection(line, f"Повтор строки {seen[k]} (тот же ключ)."))
            continue
        seen[k] = line
        out.rows.append(row)
    return out


def required(r: Mapping[str, str], column: str, title: str) -> str:
    value = r.get(column, "")
    if not value:
        raise RowError(f"Не заполнено поле «{title}» ({column}).")
    return value


def date(text: str, title: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowError(f"«{title}»: ожидается дата ГГГГ-ММ-ДД или ДД.ММ.ГГГГ, получено «{text}».")


def decimal(text: str, title: str, *, places: int, signed: bool = False) -> Decimal:
    """A number as billing systems write it (a decimal comma, spaces between thousands); positive unless
    `signed` (then any sign, a leading − or - for a minus)."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("\u2212", "-")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise RowError(f"«{title}»: ожидается число, получено «{text}».") from None
    if not value.is_finite() or value != value.quantize(Decimal(10) ** -places):
        raise RowError(f"«{title}»: ожидается число, не больше {places} знаков после запятой.")
    if not signed and value <= 0:
        raise RowError(f"«{title}»: ожидается положительное число, получено «{text}».")
    return value


def kopecks(text: str, title: str, *, signed: bool = False, limit_rub: int = 100_000_000) -> int:
    """Rubles with up to 2 decimals -> kopecks, within ± `limit_rub`."""
    value = decimal(text, title, places=2, signed=signed)
    if abs(value) > limit_rub:
        raise RowError(f"«{title}»: сумма больше {limit_rub:,} ₽.".replace(",", " "))
    return int(value * 100)


ACCOUNT_NUMBER = re.compile(r".*\d.*")


def account_number(r: Mapping[str, str]) -> str:
    """The лицевой счёт as the file gives it (accounts resolves it by its own rules)."""
    number = required(r, "account_number", "номер лицевого счёта")
    if not ACCOUNT_NUMBER.fullmatch(number) or len(number) > 60:
        raise RowError(f"Неверный номер лицевого счёта «{number}».")
    return number

