"""The registry's money files (docs/registry-format.md): opening balances and debts, payments and tariffs
from the supplier's billing system, rows in, validated facts out.

Each row is checked on its own (a Russian reason and its line number when it fails); account numbers are
resolved by accounts afterwards (`resolved`), and a second row for the same fact is rejected then, when
the account is known. Plain Python: the store does the set-based writing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from kabinet_vocabulary import LEDGER_BUCKET, PAYMENT_CHANNEL, ZONE

from kit.errors import InvalidInput
from kit.registry import Parsed, Rejection, RowError, account_number, date, kopecks, required
from services.payments.domain import tariffs as master
from services.payments.domain.model import Tariff

BALANCE_COLUMNS = ("supplier_code", "account_number", "amount")
PAYMENT_COLUMNS = ("supplier_code", "account_number", "paid_on", "amount")
TARIFF_COLUMNS = ("supplier_code", "category", "valid_from")

# tariffs.csv: one row per tariff version, a column per price (RUB per kWh) of each zone set; a zone set is
# priced when any of its columns is filled (and then all of them must be).
PRICE_COLUMNS: dict[int, dict[str, str]] = {
    1: {ZONE.TOTAL: "one_zone"},
    2: {ZONE.DAY: "two_zone_day", ZONE.NIGHT: "two_zone_night"},
    3: {ZONE.PEAK: "three_zone_peak", ZONE.SEMI_PEAK: "three_zone_semi_peak", ZONE.NIGHT: "three_zone_night"},
}

NOT_FOUND = "Лицевой счёт не найден: сначала импортируйте реестр счетов."
UNKNOWN_SUPPLIER = "Неизвестный код поставщика «{code}»."


@dataclass(frozen=True)
class Resolution:
    """What accounts answered for one supplier code: its id ("" = unknown) and the ids of the numbers it
    knows (numbers as the file gives them)."""

    supplier_id: str
    accounts: dict[str, str] = field(default_factory=dict)
    contracts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BalanceRow:
    """Входящее сальдо or one dated debt: + overpayment (the supplier owes), − debt (the customer owes),
    the sign the ledger and the cabinet show. `as_of`: the date the balance was taken (the payments the
    billing system had up to that day are in it)."""

    line: int
    supplier_code: str
    account_number: str
    bucket: str
    amount_kop: int
    due_on: dt.date | None
    as_of: dt.date | None
    external_id: str  # as the file gives it ("" = derived once the account is known)
    account_id: str = ""

    def key(self) -> tuple:
        return ("x", self.external_id) if self.external_id else (self.account_id, self.bucket, self.due_on)

    def ledger_external_id(self, supplier_id: str) -> str:
        """Once per fact: the file's id within the supplier, else the account's one plain opening balance
        (`opening:<account>`, as LedgerEntry.opening names it) or its debt of a bucket and due date."""
        if self.external_id:
            return f"opening:{supplier_id}:{self.external_id}"
        if self.bucket == LEDGER_BUCKET.ENERGY and self.due_on is None:
            return f"opening:{self.account_id}"
        return f"opening:{self.account_id}:{self.bucket}:{self.due_on.isoformat() if self.due_on else ''}"


@dataclass(frozen=True)
class PaymentRow:
    line: int
    supplier_code: str
    account_number: str
    bucket: str
    paid_on: dt.date
    amount_kop: int
    channel: str
    external_id: str  # as the file gives it, or derived from the other columns (as accounts derives it)
    account_id: str = ""

    def key(self) -> str:
        return self.external_id

    def ledger_external_id(self, supplier_id: str) -> str:
        return f"payment:{supplier_id}:{self.external_id}"


@dataclass(frozen=True)
class TariffRow:
    line: int
    supplier_code: str
    category: str
    category_title: str
    valid_from: str
    prices: Mapping[str, Mapping[str, str]]  # as the staff API takes them: {"1": {"total": "7.05"}, …}

    def key(self) -> tuple:
        return self.supplier_code, self.category, self.valid_from


def _bucket(r: Mapping[str, str]) -> str:
    bucket = (r.get("bucket") or LEDGER_BUCKET.ENERGY).lower()
    if bucket not in LEDGER_BUCKET:
        raise RowError(f"Вид задолженности «{bucket}»: ожидается energy или penalties.")
    return bucket


def balance_row(line: int, r: Mapping[str, str]) -> BalanceRow:
    supplier = required(r, "supplier_code", "код поставщика")
    number = account_number(r)
    bucket = _bucket(r)
    amount = kopecks(required(r, "amount", "сумма"), "сумма", signed=True)
    due_on = date(r["due_on"], "срок оплаты") if r.get("due_on") else None
    if due_on is not None and amount >= 0:
        raise RowError("Срок оплаты указывается только у долга (сумма со знаком минус).")
    as_of = date(r["as_of"], "дата сальдо") if r.get("as_of") else None
    return BalanceRow(line=line, supplier_code=supplier, account_number=number, bucket=bucket, amount_kop=amount,
                      due_on=due_on, as_of=as_of, external_id=r.get("external_id", ""))


def payment_row(line: int, r: Mapping[str, str]) -> PaymentRow:
    supplier = required(r, "supplier_code", "код поставщика")
    number = account_number(r)
    paid_on = date(required(r, "paid_on", "дата оплаты"), "дата оплаты")
    amount = kopecks(required(r, "amount", "сумма"), "сумма")
    channel = (r.get("channel") or "bank").lower()
    if channel not in PAYMENT_CHANNEL:
        raise RowError(f"Канал оплаты «{channel}»: ожидается {', '.join(PAYMENT_CHANNEL.codes)}.")
    external_id = r.get("external_id") or f"{supplier}:{number}:{paid_on.isoformat()}:{amount}:{channel}"
    return PaymentRow(line=line, supplier_code=supplier, account_number=number, bucket=_bucket(r),
                      paid_on=paid_on, amount_kop=amount, channel=channel, external_id=external_id)


def tariff_row(line: int, r: Mapping[str, str]) -> TariffRow:
    """The prices pass the staff API's rules later (`new_tariff`, with the supplier known); here the shape."""
    supplier = required(r, "supplier_code", "код поставщика")
    category = required(r, "category", "категория")
    valid_from = date(required(r, "valid_from", "действует с"), "действует с")
    prices = {str(count): {zone: r[column] for zone, column in columns.items() if r.get(column)}
              for count, columns in PRICE_COLUMNS.items()}
    prices = {count: by_zone for count, by_zone in prices.items() if by_zone}
    if not prices:
        raise RowError("Нет ни одной цены: заполните one_zone, two_zone_* или three_zone_*.")
    return TariffRow(line=line, supplier_code=supplier, category=category,
                     category_title=" ".join(r.get("category_title", "").split()), valid_from=valid_from.isoformat(),
                     prices=prices)


def new_tariff(row: TariffRow, supplier_id: str, *, category_known: bool) -> Tariff:
    """The row as a tariff version, by the staff API's rules (`tariffs.new_tariff`); its refusal as the row's
    reason. The id follows from the supplier, category and date: the same row imported again is the same
    version."""
    tariff_id = str(uuid.uuid5(uuid.UUID(supplier_id), f"tariff:{row.category}:{row.valid_from}"))
    try:
        return master.new_tariff(tariff_id=tariff_id, supplier_id=supplier_id, category=row.category,
                                 category_known=category_known, valid_from=row.valid_from, prices=row.prices)
    except InvalidInput as exc:
        raise RowError(" ".join(_readable(exc.fields)) or exc.message) from None


def _readable(fields: Mapping[str, str]) -> list[str]:
    """Field errors keyed prices.<zones>.<zone> named by the file's columns."""
    out = []
    for key, problem in fields.items():
        parts = key.split(".")
        if parts[0] == "prices" and len(parts) == 3 and parts[1].isdecimal():
            column = PRICE_COLUMNS.get(int(parts[1]), {}).get(parts[2], key)
            out.append(f"{column}: {problem}")
        elif parts[0] == "prices" and len(parts) == 2 and parts[1].isdecimal():
            names = ", ".join(PRICE_COLUMNS.get(int(parts[1]), {}).values())
            out.append(f"{names}: {problem}")
        else:
            out.append(problem)
    return out


def category_of(row: TariffRow) -> master.CustomerCategory:
    """A category the file names that payments does not know yet: created with the file's title (or its code)."""
    try:
        return master.new_category(row.category, row.category_title or row.category)
    except InvalidInput as exc:
        raise RowError(" ".join(exc.fields.values()) or exc.message) from None


def same_prices(tariff: Tariff, other: Tariff) -> bool:
    return {c: dict(z) for c, z in tariff.prices.items()} == {c: dict(z) for c, z in other.prices.items()}


def tariff_changed(valid_from: str) -> str:
    return (f"Тариф с {dt.date.fromisoformat(valid_from):%d.%m.%Y} уже задан с другими ценами: изменение — новая "
            "версия с другой даты.")


def resolved(parsed: Parsed, supplier_of: Callable[[str], str | None],
             account_of: Callable[[str, str], str | None]) -> list:
    """The parsed rows with their account ids; a row of an unknown supplier or account is rejected, and so is a
    second row of the same fact (the same key once the account is known): the first one stands."""
    out, seen = [], {}
    for row in parsed.rows:
        if not supplier_of(row.supplier_code):
            parsed.rejected.append(Rejection(row.line, UNKNOWN_SUPPLIER.format(code=row.supplier_code)))
            continue
        account_id = account_of(row.supplier_code, row.account_number)
        if not account_id:
            parsed.rejected.append(Rejection(row.line, NOT_FOUND))
            continue
        row = replace(row, account_id=account_id)
        if row.key() in seen:
            parsed.rejected.append(Rejection(row.line, f"Повтор строки {seen[row.key()]} (тот же ключ)."))
            continue
        seen[row.key()] = row.line
        out.append(row)
    return out


def lines(rows: Iterable) -> list[int]:
    return [r.line for r in rows]
