"""The due flag («Необходимо заявить показания»), readings for several accounts at once, readings without
signing in, and staff's run of the due reminders: protobuf in, use case, protobuf out."""

from __future__ import annotations

import datetime as dt

from kabinet.readings.v1 import readings_pb2 as pb

from kit.context import require_caller
from services.readings.domain.due import DueState
from services.readings.service_layer import batch, due, public


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DueRpcs:
    """Mixed into ReadingsServicer (self.uow, self.accounts, self.payments); `configure_due` sets the test clock
    (dev and test) and the reminders' lead time."""

    test_clock = False
    due_closing_days = 3

    def configure_due(self, *, test_clock: bool, closing_days: int) -> None:
        self.test_clock = test_clock
        self.due_closing_days = closing_days

    def GetReadingsDue(self, request, context):
        states = due.readings_due(self.uow(), self.accounts, user_id=require_caller().user_id,
                                  account_ids=list(request.account_ids), now=_now())
        return pb.GetReadingsDueReply(accounts=[due_to_pb(s) for s in states])

    def SubmitReadings(self, request, context):
        items = [batch.Item(account_id=i.account_id, meter_id=i.meter_id, values={v.zone: v.value for v in i.values},
                            confirm=i.confirm) for i in request.items]
        results = batch.submit_readings(self.uow, self.accounts, user_id=require_caller().user_id, items=items,
                                        idempotency_key=request.idempotency_key or None)
        return pb.SubmitReadingsReply(results=[_result_to_pb(r) for r in results])

    def SubmitPublicReading(self, request, context):
        from services.readings.entrypoints.api import preview_lines, to_pb

        done = public.submit_public_reading(
            self.uow, self.accounts, self.payments, account_number=request.account_number,
            supplier_id=request.supplier_id, meter_number=request.meter_number,
            values={v.zone: v.value for v in request.values}, confirm=request.confirm,
            idempotency_key=request.idempotency_key or None)
        reply = pb.PublicReading(reading=to_pb(done.reading), charge_available=done.charge is not None,
                                 period=f"{done.reading.period:%Y-%m}" if done.reading.period else "")
        if done.charge is not None:
            reply.lines.extend(preview_lines(done.charge))
            reply.amount_kop = done.charge.amount_kop
        return reply

    def StaffRunReadingsDue(self, request, context):
        moment, counts = due.run_reminders(self.uow, require_caller(), as_of=request.as_of, now=_now(),
                                           test_clock=self.test_clock, closing_days=self.due_closing_days)
        return pb.StaffRunReadingsDueReply(as_of=moment.isoformat(), opened=counts.opened, closing=counts.closing)


def due_to_pb(state: DueState) -> pb.ReadingsDue:
    return pb.ReadingsDue(account_id=state.account_id, due=state.due, period=f"{state.period:%Y-%m}",
                          window_from=state.window_from.isoformat(), window_to=state.window_to.isoformat(),
                          window_open=state.window_open, submitted=state.submitted,
                          automatic_metering=state.automatic_metering)


def _result_to_pb(result: batch.ItemResult) -> pb.ItemResult:
    from services.readings.entrypoints.api import to_pb

    if result.reading is not None:
        return pb.ItemResult(index=result.index, reading=to_pb(result.reading))
    problem = result.problem
    return pb.ItemResult(index=result.index, problem=pb.ItemProblem(
        code=problem.code, message=problem.message, status=problem.status,
        fields=[pb.FieldProblem(field=k, message=v) for k, v in problem.fields.items()]))
