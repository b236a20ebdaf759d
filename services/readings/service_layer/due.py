"""«Необходимо заявить показания»: the flag of a customer's accounts, and the scheduler of the readings.due
reminders (once per account, period and kind, set-based: one INSERT … SELECT per supplier, kind and chunk of
accounts, its events copied into the outbox in the same transaction)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from kit.clock import parse_instant
from kit.context import Caller
from kit.errors import DomainError, Forbidden, InvalidInput
from kit.ids import is_uuid
from services.readings.domain import due as rules
from services.readings.domain.windows import local_date, period_of, supplier_or_default
from services.readings.service_layer.accounts import AccountsPort, allowed_account

log = logging.getLogger(__name__)

MAX_ACCOUNTS = 100  # account ids per GetReadingsDue call (a dashboard has a handful)
CHUNK = 20_000      # accounts per planning statement and transaction


def readings_due(uow, accounts: AccountsPort, *, user_id: str, account_ids: list[str],
                 now: dt.datetime) -> list[rules.DueState]:
    """The flag of each account the caller may touch, in the order asked; the others are left out."""
    if len(account_ids) > MAX_ACCOUNTS:
        raise InvalidInput(f"Не больше {MAX_ACCOUNTS} лицевых счетов за раз.", code="too_many_accounts",
                           fields={"account_ids": f"Не больше {MAX_ACCOUNTS}."})
    wanted = list(dict.fromkeys(account_ids))
    with uow:
        known = uow.accounts.allowed_facts_many(user_id, [a for a in wanted if is_uuid(a)])  # one query
        allowed = []
        for account_id in wanted:
            try:  # the projection's misses: accounts decides, as for a single account
                allowed.append(known.get(account_id) or allowed_account(uow, accounts, user_id=user_id,
                                                                        account_id=account_id))
            except DomainError as exc:
                if exc.status != "NOT_FOUND" and exc.status != "PERMISSION_DENIED":
                    raise
        suppliers = {s: supplier_or_default(s, uow.suppliers.get(s)) for s in {a.supplier_id for a in allowed}}
        windows = {s: rules.window_now(supplier, now) for s, supplier in suppliers.items()}
        periods = {a.account_id: period_of(windows[a.supplier_id][0]) for a in allowed}
        counted = uow.due.counted_periods(list(periods.items()))
    return [rules.due_state(a.account_id, a.automatic_metering, suppliers[a.supplier_id], now,
                            {p for acc, p in counted if acc == a.account_id}) for a in allowed]


@dataclass
class RunCounts:
    opened: int = 0
    closing: int = 0


def plan_reminders(uow_factory, *, now: dt.datetime, closing_days: int, chunk: int = CHUNK,
                   again_today: bool = False) -> RunCounts:
    """Every supplier's reminders whose day has come at `now` (its local date): "opened" while the window is
    open, "closing" in its last `closing_days` days — for the accounts still due, each once per period and kind.
    A supplier's kind gets one full pass per local day (later ticks that day only look the pass up) unless
    `again_today`. Idempotent and safe in concurrent workers (the notices' key; a per-supplier lock per chunk)."""
    counts = RunCounts()
    with uow_factory() as uow:
        suppliers = [supplier_or_default(s, uow.suppliers.get(s)) for s in uow.due.supplier_ids()]
    for supplier in suppliers:
        plan = rules.reminders_due(supplier, now, closing_days)
        today = local_date(now, supplier.timezone)
        for kind in plan.kinds:
            with uow_factory() as uow:
                if not again_today and uow.due.planned_on(supplier.supplier_id, kind, today):
                    continue
            planned = _plan_kind(uow_factory, plan, kind, chunk)
            with uow_factory() as uow:
                uow.due.mark_planned(supplier.supplier_id, kind, today, planned)
                uow.commit()
            setattr(counts, kind, getattr(counts, kind) + planned)
    if counts.opened or counts.closing:
        log.info("readings.due planned: %d opened, %d closing", counts.opened, counts.closing)
    return counts


def _plan_kind(uow_factory, plan: rules.Plan, kind: str, chunk: int) -> int:
    after, total = None, 0
    while True:
        with uow_factory() as uow:
            uow.due.lock_supplier(plan.supplier_id)
            after, planned = uow.due.plan_chunk(plan, kind, after=after, chunk=chunk, producer=uow.producer)
            uow.commit()
        total += planned
        if after is None:
            return total


def run_reminders(uow_factory, staff: Caller, *, as_of: str, now: dt.datetime, test_clock: bool,
                  closing_days: int) -> tuple[dt.datetime, RunCounts]:
    """Staff (admin): plan now — or at `as_of`, with the test clock of dev and test only — a full pass even if
    the day had one (accounts added since are reminded at once). Audited."""
    if staff.kind != "staff" or "admin" not in staff.roles:
        raise Forbidden("Недостаточно прав для этого действия.", code="staff_only")
    moment = parse_instant(as_of) if as_of and test_clock else now
    counts = plan_reminders(uow_factory, now=moment, closing_days=closing_days, again_today=True)
    with uow_factory() as uow:
        uow.audit.record(actor_id=staff.user_id, roles=tuple(staff.roles), action="readings.due.run",
                         entity="readings_due", after={"as_of": moment.isoformat(), "opened": counts.opened,
                                                       "closing": counts.closing})
        uow.commit()
    return moment, counts
