"""АИИС КУЭ: a partner's batch of automatic values, or staff's CSV of them, stored once per meter and moment.

Hourly values go to the hourly values in one transaction (COPY, then one INSERT … ON CONFLICT DO NOTHING).
Register values are readings with source "automatic", each stored by submission.submit_reading (its own
transaction; announced, so payments charges it like any reading) — the automatic source skips the window and
the plausibility question, the meter's zones, dial and "not below the previous one" still hold.
"""

from __future__ import annotations

import datetime as dt
import logging

from kit.context import Caller
from kit.errors import DomainError, Forbidden, InvalidInput
from kit.ids import is_uuid
from services.readings.domain import metering as rules
from services.readings.domain.metering import Hourly, Item, ItemError, Point, Register, Report
from services.readings.service_layer import submission
from services.readings.service_layer.accounts import AccountsPort
from services.readings.service_layer.public import NOISE, same_number

log = logging.getLogger(__name__)
METERING = "metering"     # the partner kind of АИИС КУЭ operators (auth's KINDS)
SUPPLIER_ROLE = "supplier:"


def metering_partner(caller: Caller, supplier_id: str) -> str:
    """The supplier a feed's batch is for: only partners of kind "metering"; one scoped to a supplier may name
    only it (or none), an unscoped one must name it."""
    if caller.kind != "partner" or METERING not in caller.roles:
        raise Forbidden("Доступно только системам АИИС КУЭ.", code="partner_only")
    scoped = next((r.removeprefix(SUPPLIER_ROLE) for r in caller.roles if r.startswith(SUPPLIER_ROLE)), "")
    if scoped and supplier_id and supplier_id.lower() != scoped.lower():
        raise Forbidden("Партнёр работает только со своим поставщиком.", code="partner_only")
    return valid_supplier(supplier_id or scoped)


def valid_supplier(supplier_id: str) -> str:
    if not is_uuid(supplier_id):
        raise InvalidInput("Укажите поставщика.", code="invalid_supplier",
                           fields={"supplier_id": "Идентификатор поставщика (UUID)."})
    return supplier_id.lower()


def ingest(uow_factory, accounts: AccountsPort, caller: Caller, *, supplier_id: str, items: list[Item],
           now: dt.datetime | None = None) -> Report:
    """A partner's batch (the feed)."""
    supplier_id = metering_partner(caller, supplier_id)
    report = store(uow_factory, accounts, supplier_id, items, now or dt.datetime.now(dt.UTC))
    log.info("metering batch of partner %s: %d values, %d new, %d duplicates, %d rejected", caller.user_id,
             report.received, report.accepted, report.duplicates, report.rejected)
    return report


def import_file(uow_factory, accounts: AccountsPort, staff: Caller, *, supplier_id: str, content: bytes,
                now: dt.datetime | None = None) -> Report:
    """Staff's CSV of the same values (role admin, audited); problems name the file's lines."""
    if staff.kind != "staff" or "admin" not in staff.roles:
        raise Forbidden("Недостаточно прав для этого действия.", code="staff_only")
    supplier_id = valid_supplier(supplier_id)
    report = store(uow_factory, accounts, supplier_id, rules.file_items(content), now or dt.datetime.now(dt.UTC))
    with uow_factory() as uow:
        uow.audit.record(actor_id=staff.user_id, roles=tuple(staff.roles), action="metering.imported",
                         entity="supplier", entity_id=supplier_id,
                         after={"rows": report.received, "accepted": report.accepted,
                                "duplicates": report.duplicates, "rejected": report.rejected})
        uow.commit()
    return report


def store(uow_factory, accounts: AccountsPort, supplier_id: str, items: list[Item], now: dt.datetime) -> Report:
    rules.check_size(len(items))
    report = Report(received=len(items))
    with uow_factory() as uow:
        points = locate_all(uow, supplier_id, {item.meter_number for item in items})
    hourly: list[Hourly] = []
    registers: list[Register] = []
    for item in items:
        try:
            value = rules.value_of(item, rules.locate(item, points.get(item.meter_number, [])), now)
        except ItemError as exc:
            report.reject(item, exc)
            continue
        (hourly if isinstance(value, Hourly) else registers).append(value)
    store_hourly(uow_factory(), rules.first_of_each(hourly, report), report)
    store_registers(uow_factory, accounts, rules.first_of_each(registers, report), report)
    return report.finish()


def locate_all(uow, supplier_id: str, numbers: set[str]) -> dict[str, list[Point]]:
    """Each number as the batch gives it -> the supplier's meters printed so; a number no meter is printed as ->
    those equal by readings' meter-number rule (blanks, dashes, dots, slashes, case, leading zeros ignored)."""
    found: dict[str, list[Point]] = {number: [] for number in numbers}
    for printed, point in uow.metering.by_numbers(supplier_id, sorted(numbers)):
        found[printed].append(point)
    missing = {number: NOISE.sub("", number).upper().lstrip("0") for number, points in found.items() if not points}
    for printed, point in uow.metering.similar(supplier_id, sorted({k for k in missing.values() if k})):
        for number in missing:
            if same_number(number, printed):
                found[number].append(point)
    return found


def store_hourly(uow, values: list[Hourly], report: Report) -> None:
    with uow:
        stored = uow.metering.add_hourly(values)
        uow.commit()
    for value in values:
        if value.key not in stored:
            report.accepted += 1
        elif stored[value.key] is None or stored[value.key] == value.kwh:
            report.duplicates += 1
        else:
            report.reject(value.item, rules.conflict(value, stored[value.key]))


def store_registers(uow_factory, accounts: AccountsPort, values: list[Register], report: Report) -> None:
    """Oldest first per meter, each through submit_reading (its own transaction) while this meter's feed lock is
    held: one at a moment already stored is a duplicate or a conflict, one not later than the meter's last reading
    is refused."""
    for value in sorted(values, key=lambda v: v.key):
        meter_id = value.point.meter.meter_id
        try:
            with uow_factory() as guard:  # rolled back at the end: it only holds the lock
                guard.metering.lock_register(meter_id)
                if not new_register(guard, value, report):
                    continue
                submission.submit_reading(
                    uow_factory(), accounts, user_id=None, account_id=value.point.account_id, meter_id=meter_id,
                    values={z: str(v) for z, v in value.values.items()},
                    idempotency_key=f"{rules.AUTOMATIC}:{meter_id}:{value.taken_at.isoformat()}",
                    source=rules.AUTOMATIC, now=value.taken_at, account=guard.accounts.facts(value.point.account_id))
        except ItemError as exc:
            report.reject(value.item, exc)
        except DomainError as exc:  # the reading's own rules (e.g. below the previous reading)
            report.reject(value.item, ItemError(exc.code, exc.message))
        else:
            report.accepted += 1


def new_register(uow, value: Register, report: Report) -> bool:
    """Not stored yet and later than the meter's last reading; a duplicate is counted, a conflict raised."""
    stored = uow.readings.values_at([value.key]).get(value.key)
    if stored is not None:
        if dict(stored) != value.values:
            raise rules.conflict(value, stored)
        report.duplicates += 1
        return False
    last = uow.readings.last_for_meters([value.point.meter.meter_id]).get(value.point.meter.meter_id)
    if last is not None and last.taken_at >= value.taken_at:
        raise rules.not_latest(last.taken_at)
    return True
