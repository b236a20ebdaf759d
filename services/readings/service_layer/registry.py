"""The registry's readings.csv (docs/registry-format.md), imported by staff: each meter's last reading in the
supplier's billing system, stored with source "registry" as the baseline the cabinet's next reading is
counted from. No event: the billing system has billed it, nothing is charged.

The file is parsed, its account numbers resolved by accounts (the `ResolveMeters` port, with the caller's
token, one batch per supplier code), then one transaction stores the new readings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from kit.context import Caller
from kit.errors import Forbidden
from kit.registry import FileReport, Rejection, RowError, parse, read_csv
from services.readings.domain import registry as reg
from services.readings.domain.model import Meter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountMeters:
    account_id: str
    meters: dict[str, Meter] = field(default_factory=dict)  # by meter number


# (supplier_code, account numbers as the file gives them) -> {number: AccountMeters} of those accounts knows
ResolveMeters = Callable[[str, list[str]], dict[str, AccountMeters]]


def import_readings(uow, staff: Caller, resolve: ResolveMeters, data: bytes) -> FileReport:
    if staff.kind != "staff" or "admin" not in staff.roles:
        raise Forbidden("Недостаточно прав для этого действия.", code="staff_only")
    rows = read_csv(data, reg.COLUMNS)
    report = FileReport(kind="readings", rows=len(rows))
    parsed = parse(rows, reg.reading_row, lambda r: r.key())
    numbers: dict[str, dict[str, None]] = {}
    for row in parsed.rows:
        numbers.setdefault(row.supplier_code, {})[row.account_number] = None
    known = {code: resolve(code, list(wanted)) for code, wanted in numbers.items()}
    located = []
    for row in parsed.rows:
        account = known.get(row.supplier_code, {}).get(row.account_number)
        meter = account.meters.get(row.meter_number) if account else None
        if account is None:
            parsed.rejected.append(Rejection(row.line, reg.NOT_FOUND))
        elif meter is None:
            parsed.rejected.append(Rejection(row.line, reg.METER_NOT_FOUND.format(number=row.meter_number)))
        else:
            located.append((row, account.account_id, meter))
    with uow:
        last = uow.readings.last_for_meters([meter.meter_id for _, _, meter in located])
        stored = uow.readings.values_at([(meter.meter_id, row.taken_at) for row, _, meter in located
                                         if meter.meter_id in last and last[meter.meter_id].taken_at >= row.taken_at])
        fresh, seen = [], set()
        for row, account_id, meter in located:
            if meter.meter_id in seen:  # the same meter under another spelling of the account number
                parsed.rejected.append(Rejection(row.line, "Повтор счётчика в файле."))
                continue
            seen.add(meter.meter_id)
            try:
                reading = reg.registry_reading(row, account_id, meter, last.get(meter.meter_id),
                                               stored.get((meter.meter_id, row.taken_at)))
            except RowError as exc:
                parsed.rejected.append(Rejection(row.line, str(exc)))
                continue
            if reading is not None:
                fresh.append(reading)
        uow.readings.add_many(fresh)
        uow.commit()
    report.inserted = len(fresh)
    report.rejected = parsed.rejected
    report.finish()
    log.info("registry readings imported by %s: %d rows, %d new, %d rejected", staff.user_id, report.rows,
             report.inserted, len(report.rejected))
    return report
