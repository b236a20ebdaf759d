"""Реестр платежей банка: a bank's daily file of the payments it took for a supplier (docs/bank-registry-format.md),
and its reconciliation (сверка) with the bank's payments on the ledger. Plain rules: the file's rows and
totals line, and what each row (and each payment the file leaves out) is."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kit import registry
from kit.errors import InvalidInput
from kit.registry import RowError
from services.payments.domain.partner_payments import CANCELED, parse_moment, txn_id_problem

COLUMNS = ("txn_id", "account_number", "amount", "paid_at")  # and the optional "payer"
TOTALS = "ИТОГО"  # the first cell of the totals line: ИТОГО;<rows>;<sum>;<registry date>
MAX_ROWS = 500_000
MAX_REPORTED = 100  # bad rows named in a refusal

MATCHED, MISSING_IN_LEDGER, MISSING_IN_REGISTRY, AMOUNT_MISMATCH = (
    "matched", "missing_in_ledger", "missing_in_registry", "amount_mismatch")
OUTCOMES = (MATCHED, MISSING_IN_LEDGER, MISSING_IN_REGISTRY, AMOUNT_MISMATCH)
OUTCOME_TITLES = {MATCHED: "Сошлось", MISSING_IN_LEDGER: "Нет в учёте", MISSING_IN_REGISTRY: "Нет в реестре",
                  AMOUNT_MISMATCH: "Расхождение суммы"}
POSTED, LISTED = "posted", "listed"
LOCAL_MOMENT = re.compile(r"(?:(\d{4})-(\d{2})-(\d{2})|(\d{2})\.(\d{2})\.(\d{4}))(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")


@dataclass(frozen=True)
class RegistryRow:
    line: int
    txn_id: str
    account_number: str
    amount_kop: int
    paid_at: dt.datetime
    payer: str = ""


@dataclass(frozen=True)
class Registry:
    """A file that passed: its rows, and its totals line's date, count and sum (which agree with the rows)."""

    rows: list[RegistryRow]
    registry_date: dt.date
    total_kop: int


@dataclass(frozen=True)
class Outcome:
    outcome: str
    action: str = ""  # posted, listed; "" for a match
    note: str = ""  # Russian, why a row is listed and not posted


@dataclass(frozen=True)
class KnownPayment:
    """The bank's payment of a row's txn id, as the reconciliation needs it."""

    payment_id: str
    supplier_id: str
    amount_kop: int
    status: str


def paid_at(text: str, zone: dt.tzinfo) -> dt.datetime:
    """When the payer paid: ISO 8601 with an offset, or a local date and time (ГГГГ-ММ-ДД ЧЧ:ММ[:СС],
    ДД.ММ.ГГГГ ЧЧ:ММ[:СС]) or a local date alone (its start) in the supplier's zone."""
    moment = parse_moment(text)
    if moment is not None:
        return moment
    if m := LOCAL_MOMENT.fullmatch(text):  # a regex, not strptime: a registry has 100,000 of them
        year, month, day = (m[1], m[2], m[3]) if m[1] else (m[6], m[5], m[4])
        try:
            return dt.datetime(int(year), int(month), int(day), int(m[7] or 0), int(m[8] or 0), int(m[9] or 0),
                               tzinfo=zone)
        except ValueError:
            pass
    raise RowError(f"«Время оплаты»: ожидается ГГГГ-ММ-ДД ЧЧ:ММ или ДД.ММ.ГГГГ ЧЧ:ММ, получено «{text}».")


def parse_row(line: int, r: Mapping[str, str], zone: dt.tzinfo) -> RegistryRow:
    txn_id = registry.required(r, "txn_id", "идентификатор операции")
    if problem := txn_id_problem(txn_id):
        raise RowError(problem)
    return RegistryRow(line=line, txn_id=txn_id, account_number=registry.account_number(r),
                       amount_kop=registry.kopecks(registry.required(r, "amount", "сумма"), "сумма"),
                       paid_at=paid_at(registry.required(r, "paid_at", "время оплаты"), zone),
                       payer=r.get("payer", "")[:200])


def parse(data: bytes, zone: dt.tzinfo) -> Registry:
    """The whole file or nothing: a bad header (`registry_header`), a bad or repeated row (`registry_rows`,
    fields "line <n>"), a missing or disagreeing totals line (`registry_totals`) refuse the file."""
    lines = registry.read_csv(data, COLUMNS)
    totals = [i for i, (_, r) in enumerate(lines) if r.get("txn_id", "").upper() == TOTALS]
    if len(totals) != 1 or totals[0] != len(lines) - 1:
        raise InvalidInput("Последней строкой реестра должна быть строка итогов: "
                           "ИТОГО;<число платежей>;<сумма>;<дата реестра>.", code="registry_totals")
    if len(lines) - 1 > MAX_ROWS:
        raise InvalidInput(f"В реестре больше {MAX_ROWS:,} строк.".replace(",", " "), code="registry_rows")
    parsed = registry.parse(lines[:-1], lambda line, r: parse_row(line, r, zone), key=lambda row: row.txn_id)
    if parsed.rejected:
        raise InvalidInput("В реестре есть ошибочные строки, файл не принят.", code="registry_rows",
                           fields={f"line {r.line}": r.reason for r in parsed.rejected[:MAX_REPORTED]})
    count, total_kop, day = totals_line(lines[-1][1])
    check_totals(parsed.rows, count, total_kop)
    return Registry(rows=parsed.rows, registry_date=day, total_kop=total_kop)


def totals_line(r: Mapping[str, str]) -> tuple[int, int, dt.date]:
    """ИТОГО;<rows>;<sum in roubles>;<registry date> — under the columns txn_id, account_number, amount, paid_at."""
    try:
        count = int(r.get("account_number", ""))
        total = registry.kopecks(r.get("amount", ""), "сумма итогов", signed=True, limit_rub=10**12)
        day = registry.date(r.get("paid_at", ""), "дата реестра")
    except (ValueError, RowError) as exc:
        reason = str(exc) if isinstance(exc, RowError) else "число платежей — целое число"
        raise InvalidInput(f"Строка итогов: {reason}", code="registry_totals") from None
    return count, total, day


def check_totals(rows: list[RegistryRow], count: int, total_kop: int) -> None:
    """The totals line must agree with the rows, or the file is refused (a truncated or edited file)."""
    rows_kop = sum(r.amount_kop for r in rows)
    if (count, total_kop) != (len(rows), rows_kop):
        raise InvalidInput(f"Итоги реестра не сходятся со строками: в строке итогов {count} платежей на "
                           f"{rub(total_kop)} ₽, в файле {len(rows)} платежей на {rub(rows_kop)} ₽.",
                           code="registry_totals")


def rub(kop: int) -> str:
    """1450,75 — roubles with kopecks as the file writes them."""
    sign = "-" if kop < 0 else ""
    return f"{sign}{abs(kop) // 100},{abs(kop) % 100:02d}"


def classify(row: RegistryRow, known: KnownPayment | None, supplier_id: str) -> Outcome | None:
    """A row against the bank's payment of its txn id: matched, an amount mismatch, or missing in the ledger
    (the payment was canceled, or is another supplier's: listed for staff). None: no such payment — the row
    is posted now (or listed when its account is unknown)."""
    if known is None:
        return None
    if known.status == CANCELED:
        return Outcome(MISSING_IN_LEDGER, LISTED, "Платёж отменён банком, на лицевой счёт не зачислен.")
    if known.supplier_id != supplier_id:
        return Outcome(MISSING_IN_LEDGER, LISTED, "Операция с этим идентификатором проведена у другого поставщика.")
    if known.amount_kop != row.amount_kop:
        return Outcome(AMOUNT_MISMATCH, LISTED, f"В реестре {rub(row.amount_kop)} ₽, проведено "
                                                f"{rub(known.amount_kop)} ₽.")
    return Outcome(MATCHED)


UNKNOWN_ACCOUNT = Outcome(MISSING_IN_LEDGER, LISTED, "Лицевой счёт не найден, платёж не зачислен.")
POSTED_NOW = Outcome(MISSING_IN_LEDGER, POSTED, "Платежа не было в учёте: зачислен по реестру.")


def absent(day_payments: Iterable[tuple[str, str]], listed: set[str]) -> list[str]:
    """Missing in the registry: the ids of the bank's payments of the registry's day, (payment_id, txn_id),
    whose txn id the file does not list."""
    return [payment_id for payment_id, txn_id in day_payments if txn_id not in listed]


@dataclass(frozen=True)
class BankRegistry:
    """A registry as received (once per bank and file) and its reconciliation's counts."""

    registry_id: str
    partner_id: str
    supplier_id: str
    source: str  # partner (posted by the bank), staff (uploaded)
    uploaded_by: str
    sha256: str
    registry_date: dt.date
    rows: int
    total_kop: int
    created_at: dt.datetime | None = None
    status: str = "reconciled"
    matched: int = 0
    missing_in_ledger: int = 0
    posted: int = 0
    missing_in_registry: int = 0
    amount_mismatch: int = 0
    matched_kop: int = 0
    posted_kop: int = 0
    replayed: bool = False  # the same file again: this is the first result


@dataclass(frozen=True)
class ReconciliationLine:
    """A line of the reconciliation report: a file row with its outcome, or a payment the file left out."""

    outcome: str
    line: int  # the row's line in the file; 0 for a payment missing in the registry
    txn_id: str
    account_number: str
    registry_kop: int  # 0 for a payment missing in the registry
    ledger_kop: int  # the bank's payment's amount; 0 when there is none
    paid_on: dt.date
    action: str = ""
    note: str = ""
    payer: str = ""


def counts(outcomes: Iterable[tuple[Outcome, int]]) -> dict[str, int]:
    """The report's counts and sums from each file row's outcome and amount."""
    out = dict.fromkeys(("matched", "missing_in_ledger", "posted", "amount_mismatch", "matched_kop", "posted_kop"), 0)
    for outcome, amount_kop in outcomes:
        out[outcome.outcome] += 1
        if outcome.outcome == MATCHED:
            out["matched_kop"] += amount_kop
        if outcome.action == POSTED:
            out["posted"] += 1
            out["posted_kop"] += amount_kop
    return out
