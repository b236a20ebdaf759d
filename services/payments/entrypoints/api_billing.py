"""gRPC methods of the payments API, staff: the billing run (StaffStartBillingRun, StaffGetBillingRun, StaffListBillingRuns): protobuf in, use case, protobuf out.

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts, self.test_clock).

A start executes a small run (`billing.SYNC_LIMIT` accounts) before it replies (`done`); a larger one in a
thread of the api process, replying at once with the run `running` (progress: StaffGetBillingRun). If the
api process dies mid-run, the worker's billing job resumes the run (its ownership lock is free then).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from kabinet.payments.v1 import payments_pb2 as pb

from kit.context import require_caller
from services.payments.adapters.billing_store import Run
from services.payments.domain.billing import period_text
from services.payments.service_layer import billing

log = logging.getLogger("payments.billing")


def in_background(fn) -> None:
    def run():
        try:
            fn()
        except Exception:  # noqa: BLE001 - the run stays `running`; the worker's job resumes it
            log.exception("billing run failed; the worker will resume it")

    threading.Thread(target=run, name="billing-run", daemon=True).start()


class BillingRpcs:
    def StaffStartBillingRun(self, request, context):
        return run_to_pb(billing.start_run(
            self.uow, require_caller(), supplier_id=request.supplier_id, period=request.period, as_of=request.as_of,
            now=dt.datetime.now(dt.UTC), test_clock=getattr(self, "test_clock", False), background=in_background))

    def StaffGetBillingRun(self, request, context):
        return run_to_pb(billing.get_run(self.uow, require_caller(), request.run_id))

    def StaffListBillingRuns(self, request, context):
        runs = billing.list_runs(self.uow, require_caller(), supplier_id=request.supplier_id, period=request.period)
        return pb.StaffListBillingRunsReply(runs=[run_to_pb(r) for r in runs])


def run_to_pb(run: Run) -> pb.BillingRun:
    msg = pb.BillingRun(
        run_id=run.run_id, supplier_id=run.supplier_id, period=period_text(run.period), status=run.status,
        as_of=run.as_of.isoformat(), accounts_total=run.accounts_total, accounts_done=run.accounts_done,
        accounts_billed=run.accounts_billed, accounts_skipped=run.accounts_skipped, by_readings=run.by_readings,
        by_average=run.by_average, by_norm=run.by_norm, charged_kop=run.charged_kop, invoices=run.invoices,
        started_by=run.started_by,
        skipped=[pb.SkippedAccount(account_id=a, reason=reason, message=message) for a, reason, message in run.skipped])
    msg.started_at.FromDatetime(run.started_at)
    if run.finished_at is not None:
        msg.finished_at.FromDatetime(run.finished_at)
    return msg
