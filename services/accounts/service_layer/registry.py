"""Registry import (реестр from the supplier's billing system): accounts, meters, payments, contracts.

One transaction per import: the good rows of every file are written together or
not at all; bad rows are reported with their line and reason. Re-importing the
same files changes nothing. Accounts whose facts changed are announced with
accounts.account.changed so other services' projections follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kit.errors import InvalidInput
from kit.registry import FileReport, read_csv
from services.accounts.domain import registry as reg
from services.accounts.domain.contracts import contract_number
from services.accounts.domain.model import number_key
from services.accounts.service_layer.accounts import publish_facts

EVENT_BATCH = 2000


@dataclass
class ImportReport:
    files: list[FileReport]
    changed_accounts: int


def import_registry(uow, *, accounts: bytes | None = None, meters: bytes | None = None,
                    payments: bytes | None = None, contracts: bytes | None = None,
                    before_commit: Callable[[object, ImportReport], None] | None = None) -> ImportReport:
    """`before_commit(uow, report)` runs in the import's transaction (the staff audit record)."""
    reports: list[FileReport] = []
    changed: set[str] = set()
    with uow:
        store = uow.registry
        suppliers = store.supplier_ids()
        if accounts is not None:
            report, parsed = _parse("accounts", accounts, reg.ACCOUNT_COLUMNS, reg.account_row,
                                    lambda r: (r.supplier_code, r.number_key), suppliers)
            inserted, updated, ids = store.upsert_accounts(parsed, suppliers)
            report.inserted, report.updated = inserted, updated
            changed.update(ids)
            reports.append(report)
        if meters is not None:
            report, parsed = _parse("meters", meters, reg.METER_COLUMNS, reg.meter_row,
                                    lambda r: (r.supplier_code, r.number_key, r.meter_number), suppliers)
            inserted, updated, closed, rejected, ids = store.upsert_meters(parsed, suppliers)
            report.inserted, report.updated, report.closed = inserted, updated, closed
            report.rejected += rejected
            changed.update(ids)
            reports.append(report)
        if payments is not None:
            report, parsed = _parse("payments", payments, reg.PAYMENT_COLUMNS, reg.payment_row,
                                    lambda r: r.external_id, suppliers)
            report.inserted, rejected = store.insert_payments(parsed, suppliers)
            report.rejected += rejected
            reports.append(report)
        if contracts is not None:
            report, parsed = _parse("contracts", contracts, reg.CONTRACT_COLUMNS, reg.contract_row,
                                    lambda r: (r.supplier_code, r.number), suppliers)
            report.inserted, report.updated = store.upsert_contracts(parsed, suppliers)
            reports.append(report)
        ids = sorted(changed)
        for start in range(0, len(ids), EVENT_BATCH):
            publish_facts(uow, ids[start:start + EVENT_BATCH])
        for report in reports:
            report.finish()
        result = ImportReport(files=reports, changed_accounts=len(changed))
        if before_commit is not None:
            before_commit(uow, result)
        uow.commit()
    return result


def _parse(kind, data, columns, parse_row, key, suppliers) -> tuple[FileReport, list]:
    rows = read_csv(data, columns)
    parsed = reg.parse(rows, parse_row, key)
    good = []
    for row in parsed.rows:
        if row.supplier_code in suppliers:
            good.append(row)
        else:
            parsed.rejected.append(reg.Rejection(row.line, f"Неизвестный код поставщика «{row.supplier_code}»."))
    return FileReport(kind=kind, rows=len(rows), rejected=parsed.rejected), good


@dataclass(frozen=True)
class ResolvedMeter:
    meter_number: str
    meter_id: str
    zones: int
    digits: int
    closed: bool


@dataclass(frozen=True)
class ResolvedAccount:
    number: str  # as given
    account_id: str
    meters: tuple[ResolvedMeter, ...] = ()


@dataclass(frozen=True)
class Resolved:
    supplier_id: str  # "" when the supplier code is unknown
    accounts: list[ResolvedAccount]
    contracts: list[tuple[str, str]]  # (contract number as given, contract_id)


def resolve(uow, *, supplier_code: str, account_numbers: list[str], contract_numbers: list[str],
            with_meters: bool = False) -> Resolved:
    """Another service's part of the registry: numbers as the billing system writes them -> ids, by accounts'
    own rules of what a number is (`number_key`, `contract_number`); malformed or unknown numbers are absent."""
    keys: dict[str, list[str]] = {}
    for typed in account_numbers:
        try:
            keys.setdefault(number_key(typed), []).append(typed)
        except InvalidInput:
            continue
    contracts: dict[str, list[str]] = {}
    for typed in contract_numbers:
        try:
            contracts.setdefault(contract_number(typed), []).append(typed)
        except InvalidInput:
            continue
    with uow:
        supplier_id = uow.registry.supplier_ids().get(supplier_code, "")
        if not supplier_id:
            return Resolved("", [], [])
        found, meters, contract_ids = uow.registry.resolve(supplier_id, list(keys), list(contracts),
                                                           with_meters=with_meters)
    accounts = []
    for key, account_id in found.items():
        own = tuple(ResolvedMeter(m["number"], m["meter_id"], m["zones"], m["digits"], m["closed"])
                    for m in meters.get(account_id, ()))
        accounts += [ResolvedAccount(typed, account_id, own) for typed in keys[key]]
    return Resolved(supplier_id, accounts,
                    [(typed, cid) for number, cid in contract_ids.items() for typed in contracts[number]])
