"""The registry's money files (docs/registry-format.md): opening balances and debts, payments into the
ledger, tariffs — what the supplier's billing system is master of, imported by staff.

The files are parsed first, then every account number is resolved by accounts (the `Resolve` port, with
the caller's token: one batch per supplier code), then one transaction writes the good rows of every file
with the audit record: all or nothing. A bad row is reported with its line and a Russian reason; the same
files imported again change nothing (every row unchanged).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from kit.context import Caller
from kit.registry import FileReport, Parsed, Rejection, RowError, parse, read_csv
from services.payments.domain import registry as reg
from services.payments.domain.registry import Resolution
from services.payments.service_layer.contract_documents import ResolveContracts, import_contract_documents
from services.payments.service_layer.master_data import WRITERS, audit, staff_member

# (supplier_code, account numbers, contract numbers) -> Resolution
Resolve = Callable[[str, list[str], list[str]], Resolution]


def import_registry(uow, staff: Caller, resolve: Resolve, **files) -> list:
    """The staff import (role admin), written to the audit log (who, when, the counts) in its transaction."""
    staff_member(staff, WRITERS)

    def record(uow, reports: list) -> None:
        audit(uow, staff, "registry.imported", "registry", after={"files": [
            {k: getattr(r, k) for k in ("kind", "rows", "inserted", "updated", "unchanged", "closed")}
            | {"rejected": len(r.rejected)} for r in reports]})
    return import_files(uow, resolve, before_commit=record, **files)


def import_files(uow, resolve: Resolve, *, balances: bytes | None = None, payments: bytes | None = None,
                 tariffs: bytes | None = None, contract_documents: bytes | None = None,
                 now: dt.datetime | None = None, before_commit: Callable[[object, list], None] | None = None) -> list:
    """Balances, then payments (a payment dated on or before its account's balance date is in that balance
    already: not booked again), then tariffs, then legal entities' monthly documents
    (`contract_documents.import_contract_documents`); one transaction with its audit record. The reports
    (FileReport, and the documents' report of the same shape) in that order. `before_commit(uow, reports)`
    runs in the import's transaction (the staff audit record)."""
    now = now or dt.datetime.now(dt.UTC)
    files = {kind: data for kind, data in (("balances", balances), ("payments", payments), ("tariffs", tariffs))
             if data is not None}
    parsed = {kind: _parse(kind, data) for kind, data in files.items()}
    resolutions = _resolve(resolve, parsed)

    def supplier_of(code: str) -> str:
        return resolutions[code].supplier_id if code in resolutions else ""

    def account_of(code: str, number: str) -> str | None:
        return resolutions[code].accounts.get(number) if code in resolutions else None

    reports: list[FileReport] = []
    with uow:
        store = uow.registry
        if "balances" in parsed:
            report, p = parsed["balances"]
            rows = reg.resolved(p, supplier_of, account_of)
            report.inserted, conflicts = store.insert_openings(
                [(r.line, r.ledger_external_id(supplier_of(r.supplier_code)), r.account_id, r.bucket, r.amount_kop,
                  r.due_on, _balance_moment(r.as_of, now)) for r in rows])
            p.rejected += [Rejection(line, "Сальдо с этим идентификатором уже загружено с другими данными: "
                                           "исправление — новой строкой с другим external_id.") for line in conflicts]
            reports.append(_report(report, p))
        if "payments" in parsed:
            report, p = parsed["payments"]
            rows = reg.resolved(p, supplier_of, account_of)
            report.inserted, conflicts = store.insert_payments(
                [(r.line, r.ledger_external_id(supplier_of(r.supplier_code)), r.account_id, r.bucket, r.amount_kop,
                  r.channel, r.paid_on) for r in rows], posted_at=now)
            p.rejected += [Rejection(line, "Платёж с этим идентификатором уже загружен с другими данными.")
                           for line in conflicts]
            reports.append(_report(report, p))
        if "tariffs" in parsed:
            report, p = parsed["tariffs"]
            report.inserted = _tariffs(uow, p, supplier_of)
            reports.append(_report(report, p))
        if contract_documents is not None:
            reports.append(import_contract_documents(uow, contract_documents, _contracts_resolver(resolve)))
        if before_commit is not None:
            before_commit(uow, reports)
        uow.commit()
    return reports


def _parse(kind: str, data: bytes) -> tuple[FileReport, Parsed]:
    columns, parse_row = {"balances": (reg.BALANCE_COLUMNS, reg.balance_row),
                          "payments": (reg.PAYMENT_COLUMNS, reg.payment_row),
                          "tariffs": (reg.TARIFF_COLUMNS, reg.tariff_row)}[kind]
    rows = read_csv(data, columns)
    # a repeated fact is found once the account is known (reg.resolved); tariffs by their own key here
    key = (lambda r: r.key()) if kind == "tariffs" else (lambda r: r.line)
    return FileReport(kind=kind, rows=len(rows)), parse(rows, parse_row, key)


def _resolve(resolve: Resolve, parsed: dict[str, tuple[FileReport, Parsed]]) -> dict[str, Resolution]:
    numbers: dict[str, dict[str, None]] = {}
    for kind, (_, p) in parsed.items():
        for row in p.rows:
            wanted = numbers.setdefault(row.supplier_code, {})
            if kind != "tariffs":
                wanted[row.account_number] = None
    return {code: resolve(code, list(wanted), []) for code, wanted in numbers.items()}


def _contracts_resolver(resolve: Resolve) -> ResolveContracts:
    """(supplier_code, contract number) pairs -> (contract_id, supplier_id), one `resolve` per supplier code."""
    def resolve_contracts(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
        by_code: dict[str, list[str]] = {}
        for code, number in pairs:
            by_code.setdefault(code, []).append(number)
        found = {}
        for code, numbers in by_code.items():
            answer = resolve(code, [], numbers)
            found |= {(code, number): (cid, answer.supplier_id) for number, cid in answer.contracts.items()}
        return found
    return resolve_contracts


def _balance_moment(as_of: dt.date | None, now: dt.datetime) -> dt.datetime:
    """An opening's posted_at: noon UTC of its balance date (so that its UTC date is that date), or now."""
    return now if as_of is None else dt.datetime.combine(as_of, dt.time(12), dt.UTC)


def _tariffs(uow, p: Parsed, supplier_of: Callable[[str], str]) -> int:
    """Tariff versions by the staff API's rules; a category the file names is created when missing. A version
    already there with the same prices is unchanged; with other prices the row is rejected (a change is a new
    version from another date, as in the staff API)."""
    inserted = 0
    for row in p.rows:
        supplier_id = supplier_of(row.supplier_code)
        try:
            if not supplier_id:
                raise RowError(reg.UNKNOWN_SUPPLIER.format(code=row.supplier_code))
            if uow.categories.get(row.category) is None:
                uow.categories.put_missing(reg.category_of(row))
            tariff = reg.new_tariff(row, supplier_id, category_known=True)
            same_day = [v for v in uow.tariffs.for_category(supplier_id, row.category)
                        if v.valid_from == tariff.valid_from]
            if same_day:
                if not reg.same_prices(same_day[0], tariff):
                    raise RowError(reg.tariff_changed(row.valid_from))
                continue
            uow.tariffs.add_new(tariff)
            uow.schedules.put_missing(supplier_id, reg.master.DEFAULT_ZONE_SCHEDULE)
            inserted += 1
        except RowError as exc:
            p.rejected.append(Rejection(row.line, str(exc)))
    return inserted


def _report(report: FileReport, p: Parsed) -> FileReport:
    report.rejected = list(p.rejected)
    return report.finish()
