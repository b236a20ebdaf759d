"""Staff: billing runs (закрытие периода): start one (the test clock in dev and test), follow its progress, list
(payments checks the role, every rule, and audits every call)."""

from __future__ import annotations

import kabinet_vocabulary as vocab
from flask import Blueprint
from kabinet.payments.v1 import payments_pb2 as pb
from marshmallow import Schema, fields

from gateway.openapi import operation, query_params
from gateway.schema import SHORT, StrictSchema, Timestamp, body, dump, path_id, query, text
from gateway.security import login_required
from gateway.services import payments

bp = Blueprint("staff_billing", __name__, url_prefix="/staff/v1")

START_TIMEOUT = 60.0  # a small run is executed before the reply


# --- billing runs -------------------------------------------------------------------------------

class SkippedAccountOut(Schema):
    account_id = fields.String()
    reason = fields.String(metadata={"description": "no_basis, tariff_not_found, tariff_zones_missing"})
    message = fields.String()


class BillingRunOut(Schema):
    run_id = fields.String()
    supplier_id = fields.String()
    period = fields.String(metadata={"description": "YYYY-MM"})
    status = fields.String(metadata={"enum": list(vocab.BILLING_RUN_STATUS.codes)})
    as_of = fields.String(metadata={"description": "YYYY-MM-DD, the run's \"today\""})
    started_by = fields.String()
    started_at = Timestamp(allow_none=True)
    finished_at = Timestamp(allow_none=True, metadata={"description": "null while running"})
    accounts_total = fields.Integer()
    accounts_done = fields.Integer(metadata={"description": "progress: billed + skipped (+ billed before)"})
    accounts_billed = fields.Integer()
    accounts_skipped = fields.Integer()
    by_readings = fields.Integer()
    by_average = fields.Integer()
    by_norm = fields.Integer()
    charged_kop = fields.Integer(metadata={"description": "the sum of the run's final charges"})
    invoices = fields.Integer()
    skipped = fields.List(fields.Nested(SkippedAccountOut), metadata={"description": "the first 100, with reasons"})


class BillingRunListOut(Schema):
    runs = fields.List(fields.Nested(BillingRunOut))


class BillingRunIn(StrictSchema):
    supplier_id = text(SHORT, required=True)
    period = text(SHORT, required=True, metadata={"description": "YYYY-MM"})
    as_of = text(SHORT, metadata={"description": "YYYY-MM-DD: the test clock, honoured in dev and test only"})


class BillingRunsIn(StrictSchema):
    supplier_id = text(SHORT)
    period = text(SHORT, metadata={"description": "YYYY-MM"})


@bp.post("/billing-runs")
@operation("Запустить расчёт периода", tag="staff", body=BillingRunIn, response=BillingRunOut,
           also={202: BillingRunOut}, errors=(403, 409, 422),
           description="Closes a supplier's period: final charges (by readings, else the average, else the norm), "
                       "reversals of the preliminary ones, invoices. One run per supplier and period: a second "
                       "start returns it (200 done, 202 running; a run left by a crash is resumed). A small "
                       "supplier is billed before the reply (200); a large one in the background (202, progress "
                       "by GET). 409 period_open; 422 invalid_input (supplier_id, period, as_of). Role admin.")
@login_required
def start_run():
    data = body(BillingRunIn)
    run = payments().call("StaffStartBillingRun", pb.StaffStartBillingRunRequest(
        supplier_id=data["supplier_id"], period=data["period"], as_of=data.get("as_of", "")),
        timeout=START_TIMEOUT, idempotent=True)
    return dump(BillingRunOut, run), (200 if run.status != vocab.BILLING_RUN_STATUS.RUNNING else 202)


@bp.get("/billing-runs")
@operation("Расчёты периодов", tag="staff", response=BillingRunListOut, errors=(403, 422),
           params=query_params("supplier_id", "period"),
           description="Newest first, of a supplier and/or a period (YYYY-MM) when given. Role operator or admin.")
@login_required
def list_runs():
    data = query(BillingRunsIn)
    return dump(BillingRunListOut, payments().call("StaffListBillingRuns", pb.StaffListBillingRunsRequest(
        supplier_id=data.get("supplier_id", ""), period=data.get("period", "")), idempotent=True))


@bp.get("/billing-runs/<run_id>")
@operation("Расчёт периода", tag="staff", response=BillingRunOut, errors=(403, 404),
           description="Progress and result: counts by basis, the sum charged, invoices, the first skipped accounts "
                       "with reasons. 404 billing_run_not_found. Role operator or admin.")
@login_required
def get_run(run_id: str):
    return dump(BillingRunOut, payments().call("StaffGetBillingRun", pb.StaffGetBillingRunRequest(
        run_id=path_id(run_id)), idempotent=True))
