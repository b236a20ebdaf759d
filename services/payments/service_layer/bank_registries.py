"""Banks' daily registries (реестры платежей) and their reconciliation (сверка): a file posted by the bank or
uploaded by staff is taken once per bank (its SHA-256); each row is matched to the bank's payment of its txn
id or, when the bank never paid it through the API, posted now (money_in.post_payment, channel "registry");
the bank's payments of that day the file leaves out are listed. Reads and writes are set-based (one query
for the known payments, one for the accounts, COPY for the rows): only new rows go one by one, each its
ledger posting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid

from kit.context import Caller
from kit.errors import InvalidInput, NotFound
from kit.ids import is_uuid
from services.payments.adapters.reconciliation_xlsx import render_reconciliation
from services.payments.domain import bank_registry as rules
from services.payments.domain.bank_registry import BankRegistry, Outcome, ReconciliationLine, RegistryRow
from services.payments.domain.model import parse_local_date, supplier_zone
from services.payments.domain.partner_payments import REGISTRY, PartnerPayment
from services.payments.service_layer.accounts import AccountsPort
from services.payments.service_layer.master_data import READERS, WRITERS, audit, staff_member
from services.payments.service_layer.partner_payments import book, partner_supplier, payment_agent

MAX_LIST, MAX_LINES, DEFAULT_LINES = 200, 5000, 1000


@dataclasses.dataclass(frozen=True)
class Uploader:
    """Who brings a registry: the bank itself (partner) or a staff member naming the bank."""

    source: str
    partner_id: str
    caller: Caller


def uploader(caller: Caller, partner_id: str) -> Uploader:
    if caller.kind == "partner":
        return Uploader("partner", payment_agent(caller), caller)
    staff_member(caller, WRITERS)
    if not is_uuid(partner_id):
        raise InvalidInput(fields={"partner_id": "Укажите банк (идентификатор партнёра), чей это реестр."})
    return Uploader("staff", partner_id.lower(), caller)


def import_registry(uow, accounts: AccountsPort, caller: Caller, *, content: bytes, supplier_id: str,
                    partner_id: str = "", now: dt.datetime) -> BankRegistry:
    """ImportBankRegistry: the reconciled registry (the first result for a file the bank's registries have)."""
    who = uploader(caller, partner_id)
    supplier_id = partner_supplier(caller, supplier_id) if who.source == "partner" else supplier_id.lower()
    if not is_uuid(supplier_id):
        raise InvalidInput(fields={"supplier_id": "Укажите поставщика, чьи платежи в реестре."})
    sha256 = hashlib.sha256(content).hexdigest()
    with uow:
        known = uow.bank_registries.by_file(who.partner_id, sha256)
        zone = supplier_zone(uow.suppliers.get(supplier_id))
    if known is not None:
        return _replayed(uow, who, known)
    registry = rules.parse(content, zone)
    with uow:
        found = uow.partner_payments.known(who.partner_id, (r.txn_id for r in registry.rows))
        numbers = {r.account_number for r in registry.rows if r.txn_id not in found}
        by_number = uow.partner_payments.account_ids(supplier_id, numbers)
    by_number |= _find_each(accounts, supplier_id, numbers - set(by_number))  # calls: outside a transaction
    with uow:
        record = uow.bank_registries.add(BankRegistry(
            registry_id=str(uuid.uuid4()), partner_id=who.partner_id, supplier_id=supplier_id, source=who.source,
            uploaded_by=caller.user_id, sha256=sha256, registry_date=registry.registry_date,
            rows=len(registry.rows), total_kop=registry.total_kop))
        if record is None:  # the same file, imported concurrently, committed first
            return _replayed(uow, who, uow.bank_registries.by_file(who.partner_id, sha256))
        result = _reconcile(uow, record, registry.rows, found, by_number, zone, now)
        if who.source == "staff":
            audit(uow, caller, "bank_registry.imported", "bank_registry", result.registry_id, after=_summary(result))
        uow.commit()
    return result


def _find_each(accounts: AccountsPort, supplier_id: str, numbers: set[str]) -> dict[str, str]:
    """Numbers the projection does not know as printed (leading zeros left out, …): accounts' own rule."""
    found = {}
    for number in sorted(numbers):
        try:
            found[number] = accounts.find(number, supplier_id)
        except (NotFound, InvalidInput):
            continue
    return found


def _reconcile(uow, record: BankRegistry, rows: list[RegistryRow], found: dict[str, rules.KnownPayment],
               by_number: dict[str, str], zone: dt.tzinfo, now: dt.datetime) -> BankRegistry:
    """Each row's outcome written with the row (new rows with a known account posted now), the bank's payments of
    the day the file leaves out, and the counts."""
    new = [r for r in rows if r.txn_id not in found and r.account_number in by_number]
    posted = _post_new(uow, record, new, by_number, zone, now)
    raced = {r.txn_id for r in new} - set(posted)  # a concurrent *pay* took the txn id: match against it
    if raced:
        found = found | uow.partner_payments.known(record.partner_id, raced)
    outcomes = {r.line: rules.POSTED_NOW if r.txn_id in posted else
                rules.classify(r, found.get(r.txn_id), record.supplier_id) or rules.UNKNOWN_ACCOUNT for r in rows}
    uow.bank_registries.add_rows(_row_tuple(record.registry_id, r, outcomes[r.line],
                                            posted.get(r.txn_id) or found.get(r.txn_id)) for r in rows)
    left_out = rules.absent(uow.partner_payments.of_day(record.partner_id, record.supplier_id, record.registry_date),
                            {r.txn_id for r in rows})
    uow.bank_registries.add_absent(record.registry_id, left_out)
    return uow.bank_registries.set_counts(record.registry_id, rules.counts(
        (outcomes[r.line], r.amount_kop) for r in rows) | {"missing_in_registry": len(left_out)})


def _post_new(uow, record: BankRegistry, rows: list[RegistryRow], by_number: dict[str, str], zone: dt.tzinfo,
              now: dt.datetime) -> dict[str, rules.KnownPayment]:
    """Rows the bank never paid through the API: a partner payment each (channel registry, all for energy) and its
    ledger entries. txn id -> the payment, for the rows this call posted."""
    new = [PartnerPayment(
        payment_id=str(uuid.uuid4()), partner_id=record.partner_id, txn_id=r.txn_id, supplier_id=record.supplier_id,
        account_id=by_number[r.account_number], account_number=r.account_number, amount_kop=r.amount_kop,
        energy_kop=r.amount_kop, penalties_kop=0, paid_at=r.paid_at, paid_on=r.paid_at.astimezone(zone).date(),
        posted_at=now, channel=REGISTRY, registry_id=record.registry_id) for r in rows]
    added = uow.partner_payments.add_many(new)
    mine = [p for p in new if p.txn_id in added]
    uow.partner_payments.set_entries({p.payment_id: book(uow, p) for p in mine})
    return {p.txn_id: rules.KnownPayment(p.payment_id, p.supplier_id, p.amount_kop, p.status) for p in mine}


def _row_tuple(registry_id: str, r: RegistryRow, outcome: Outcome, payment) -> tuple:
    return (registry_id, r.line, r.txn_id, r.account_number, r.amount_kop, r.paid_at, r.payer, outcome.outcome,
            outcome.action, outcome.note, payment.payment_id if payment else None,
            payment.amount_kop if payment else None)


def _replayed(uow, who: Uploader, known: BankRegistry) -> BankRegistry:
    if who.source == "staff":
        with uow:
            audit(uow, who.caller, "bank_registry.imported", "bank_registry", known.registry_id,
                  after={"replayed": True})
            uow.commit()
    return dataclasses.replace(known, replayed=True)


def _summary(r: BankRegistry) -> dict:
    return {k: v for k, v in dataclasses.asdict(r).items() if k not in ("created_at", "replayed")}


# --- staff: the registries and their reconciliation report --------------------------------------

def list_registries(uow, staff: Caller, *, partner_id: str = "", supplier_id: str = "", registry_date: str = "",
                    limit: int = 50) -> list[BankRegistry]:
    staff_member(staff, READERS)
    day = parse_local_date(registry_date) if registry_date else None
    problems = {}
    if supplier_id and not is_uuid(supplier_id):
        problems["supplier_id"] = "Неверный идентификатор поставщика."
    if registry_date and day is None:
        problems["registry_date"] = "Дата — ГГГГ-ММ-ДД."
    if problems:
        raise InvalidInput(fields=problems)
    with uow:
        found = uow.bank_registries.list(partner_id=partner_id.lower(), supplier_id=supplier_id.lower(),
                                                    registry_date=day, limit=min(max(limit or 50, 1), MAX_LIST))
        audit(uow, staff, "bank_registry.listed", "bank_registry", after={"found": len(found)})
        uow.commit()
    return found


def reconciliation(uow, staff: Caller, *, registry_id: str, outcome: str = "",
                   limit: int = DEFAULT_LINES) -> tuple[BankRegistry, list[ReconciliationLine], bool]:
    """The report: the registry's counts and the lines of one outcome (or every exception), up to `limit`."""
    staff_member(staff, READERS)
    if outcome and outcome not in rules.OUTCOMES:
        raise InvalidInput(fields={"outcome": "Одно из: " + ", ".join(rules.OUTCOMES) + "."})
    limit = min(max(limit or DEFAULT_LINES, 1), MAX_LINES)
    with uow:
        registry, zone = _registry(uow, registry_id)
        lines = uow.bank_registries.lines(registry_id, zone, outcome=outcome, limit=limit + 1)
        audit(uow, staff, "bank_registry.viewed", "bank_registry", registry_id, after={"outcome": outcome})
        uow.commit()
    return registry, lines[:limit], len(lines) > limit


def export_reconciliation(uow, staff: Caller, *, registry_id: str) -> tuple[str, bytes]:
    """The whole report as .xlsx: (file name, content)."""
    staff_member(staff, READERS)
    with uow:
        registry, zone = _registry(uow, registry_id)
        lines = uow.bank_registries.lines(registry_id, zone, outcome="*")
        audit(uow, staff, "bank_registry.exported", "bank_registry", registry_id)
        uow.commit()
    return f"sverka-{registry.registry_date.isoformat()}-{registry.registry_id[:8]}.xlsx", \
        render_reconciliation(registry, lines)


def _registry(uow, registry_id: str) -> tuple[BankRegistry, dt.tzinfo]:
    registry = uow.bank_registries.get(registry_id) if is_uuid(registry_id) else None
    if registry is None:
        raise NotFound("Реестр не найден.", code="bank_registry_not_found")
    return registry, supplier_zone(uow.suppliers.get(registry.supplier_id))
