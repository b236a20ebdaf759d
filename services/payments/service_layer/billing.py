"""The billing run (закрытие периода): start, resume, execute chunk by chunk, show.

One run per supplier and period (`billing_runs_one`). Whoever executes a run holds its ownership lock
(`BillingStore.ownership`) while the chunks go, each chunk one transaction (`BillingStore.bill_chunk`);
a process killed mid-run loses only its open chunk, and a run `running` whose lock is free is resumed by
the next start or by the worker's schedule (`resume_orphans`). Staff start runs (admin) and read them
(operator, admin); every call is audited.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable

from kit.context import Caller
from kit.errors import DomainError, InvalidInput, NotFound
from kit.ids import is_uuid
from services.payments.adapters import events
from services.payments.adapters.billing_store import ChunkContext, Run
from services.payments.domain import billing as rules
from services.payments.domain.model import Supplier, local_date
from services.payments.service_layer.master_data import READERS, WRITERS, audit, staff_member

log = logging.getLogger("payments.billing")

CHUNK = 20_000  # accounts per transaction
SYNC_LIMIT = 2_000  # a staff start executes a run of at most this many accounts before replying

Launch = Callable[[Callable[[], object]], None]  # runs a function now or in the background


def _supplier(uow, supplier_id: str) -> Supplier | None:
    return uow.suppliers.get(supplier_id)


# --- staff ----------------------------------------------------------------------------------

def start_run(uow_factory, staff: Caller, *, supplier_id: str, period: str, as_of: str = "", now: dt.datetime,
              test_clock: bool = False, background: Launch | None = None) -> Run:
    """Start the billing run of a supplier's period — or return the live or finished one, resuming it when
    it was left running by a crash. `as_of` (the run's "today") is honoured with the test clock only
    (dev, test); otherwise today in the supplier's zone. A small run is executed before the reply, a
    large one by `background` (the reply is then the run `running`; progress by `get_run`)."""
    staff_member(staff, WRITERS)
    request = rules.run_request(supplier_id, period, as_of, is_uuid=is_uuid)
    uow = uow_factory()
    with uow:
        uow.billing.close_period_lock(request.supplier_id, request.period)
        run = uow.billing.live_run(request.supplier_id, request.period)
        if run is None:
            today = local_date(now, _supplier(uow, request.supplier_id))
            if test_clock and request.as_of is not None:
                today = request.as_of
            rules.ensure_period_ended(request.period, today)
            run = uow.billing.create(supplier_id=request.supplier_id, period=request.period, as_of=today,
                                     started_by=staff.user_id)
            action = "billing_run.started"
        else:
            action = "billing_run.start_repeated"
        audit(uow, staff, action, "billing_run", run.run_id, after={
            "supplier_id": run.supplier_id, "period": rules.period_text(run.period), "as_of": run.as_of,
            "status": run.status})
        uow.commit()
    if run.status != rules.RUNNING:
        return get_run(uow_factory, None, run.run_id)
    if background is None or run.accounts_total <= SYNC_LIMIT:
        execute(uow_factory, run.run_id)
    else:
        background(lambda: execute(uow_factory, run.run_id))
    return get_run(uow_factory, None, run.run_id)


def get_run(uow_factory, staff: Caller | None, run_id: str) -> Run:
    """A run's progress and result with the first skipped accounts (staff: operator or admin; None: the
    service itself)."""
    if staff is not None:
        staff_member(staff, READERS)
    uow = uow_factory()
    with uow:
        run = uow.billing.get(run_id, with_skips=True) if is_uuid(run_id) else None
        if run is None:
            raise NotFound("Расчёт не найден.", code="billing_run_not_found")
        if staff is not None:
            audit(uow, staff, "billing_run.viewed", "billing_run", run_id)
            uow.commit()
    return run


def list_runs(uow_factory, staff: Caller, *, supplier_id: str = "", period: str = "") -> list[Run]:
    """Runs, newest first, of a supplier and/or a period ("YYYY-MM") when given."""
    staff_member(staff, READERS)
    problems = {}
    if supplier_id and not is_uuid(supplier_id):
        problems["supplier_id"] = "Укажите идентификатор поставщика."
    month = rules.parse_period(period) if period else None
    if period and month is None:
        problems["period"] = "Период — месяц в виде ГГГГ-ММ."
    if problems:
        raise InvalidInput("Проверьте фильтры.", code="invalid_input", fields=problems)
    uow = uow_factory()
    with uow:
        runs = uow.billing.find(supplier_id=supplier_id, period=month)
        audit(uow, staff, "billing_runs.listed", "billing_run", after={
            "supplier_id": supplier_id, "period": period, "found": len(runs)})
        uow.commit()
    return runs


# --- execution --------------------------------------------------------------------------------

def context(uow, run: Run) -> ChunkContext:
    """What every chunk of a run needs: the due date, the supplier's zone, the tariff segments per category
    (`rules.tariff_segments`) and the categories that have none for every day of the period."""
    supplier = _supplier(uow, run.supplier_id)
    tariffs = uow.billing.tariffs_of(run.supplier_id)
    segments, problems = {}, {}
    for category in sorted({t.category for t in tariffs}):  # a category without any: tariff_not_found in SQL
        try:
            segments[category] = rules.tariff_segments([t for t in tariffs if t.category == category], run.period)
        except DomainError as exc:  # the reason the category's accounts are skipped
            problems[category] = (exc.code, f"Категория «{category}»: {exc.message}")
    return ChunkContext(run_id=run.run_id, supplier_id=run.supplier_id, period=run.period,
                        due_on=rules.due_date(run.period, supplier.payment_due_day if supplier else None),
                        timezone=supplier.timezone if supplier and supplier.timezone else "Europe/Moscow",
                        segments=segments, category_problems=problems)


def execute(uow_factory, run_id: str, *, chunk: int = CHUNK, on_chunk: Callable[[float], None] | None = None) \
        -> Run | None:
    """Execute (or resume) a run to its end, if nobody else is: chunk after chunk from its cursor, then
    `done` and payments.billing_run.finished. None when another process owns the run."""
    uow = uow_factory()
    with contextlib.ExitStack() as held:
        with uow:
            run = uow.billing.get(run_id)
            if run is None or not held.enter_context(uow.billing.ownership(run)):
                return None
        ctx = None  # the tariffs and the supplier's facts as the run (re)starts
        while True:
            started = time.perf_counter()
            with uow:
                run = uow.billing.get(run_id, for_update=True)
                if run.status != rules.RUNNING:
                    return run
                ctx = ctx or context(uow, run)
                result = uow.billing.bill_chunk(run, ctx, size=chunk, now=dt.datetime.now(dt.UTC))
                if result.accounts == 0:
                    run = uow.billing.finish(run_id)
                    uow.emit(events.billing_run_finished(run_id=run_id, supplier_id=run.supplier_id,
                                                         period=rules.period_text(run.period),
                                                         accounts_billed=run.accounts_billed))
                    uow.commit()
                    log.info("billing run done", extra={"ctx_run": run_id, "ctx_billed": run.accounts_billed})
                    return run
                period, due = rules.period_text(run.period), ctx.due_on.isoformat()
                to = uow.billing.recipients([account_id for _, account_id, _, _ in result.invoices])
                issued = []
                for invoice_id, account_id, number, amount_due in result.invoices:
                    account_number, delivery, users = to.get(account_id, ("", "", []))
                    issued.append(events.invoice_issued(
                        invoice_id=invoice_id, account_id=account_id, supplier_id=run.supplier_id, period=period,
                        number=number, amount_due_kop=amount_due, due_on=due, account_number=account_number,
                        bill_delivery=delivery, user_ids=users))
                uow.billing.write_events(issued, uow.producer)
                uow.commit()
            if on_chunk is not None:
                on_chunk(time.perf_counter() - started)


def resume_orphans(uow_factory) -> list[str]:
    """Execute every run left `running` whose owner is gone (its ownership lock is free)."""
    uow = uow_factory()
    with uow:
        running = uow.billing.running()
    resumed = []
    for run in running:
        if execute(uow_factory, run.run_id) is not None:
            resumed.append(run.run_id)
    return resumed


def schedule(uow_factory, *, now: dt.datetime, start_due: bool = True) -> list[str]:
    """The worker's billing job: resume orphaned runs, then (when `start_due`) start the due ones."""
    return resume_orphans(uow_factory) + (start_due_runs(uow_factory, now=now) if start_due else [])


def start_due_runs(uow_factory, *, now: dt.datetime) -> list[str]:
    """The schedule: every projected supplier whose previous month (in its zone) has no run gets one."""
    uow = uow_factory()
    with uow:
        suppliers = uow.billing.supplier_ids()
    started = []
    for supplier_id in suppliers:
        uow = uow_factory()
        with uow:
            period = rules.previous_period(local_date(now, _supplier(uow, supplier_id)))
            uow.billing.close_period_lock(supplier_id, period)
            if uow.billing.live_run(supplier_id, period) is not None:
                continue
            run = uow.billing.create(supplier_id=supplier_id, period=period,
                                     as_of=local_date(now, _supplier(uow, supplier_id)), started_by="schedule")
            uow.commit()
        execute(uow_factory, run.run_id)
        started.append(run.run_id)
    return started
