"""The notify gRPC API, (dispatch): the outgoing queue's staff view, SMS status callbacks, the test-clock dispatch."""

from __future__ import annotations

import datetime as dt

from kabinet.notify.v1 import notify_pb2 as pb

from kit.context import require_caller
from kit.errors import InvalidInput
from services.notify.service_layer import dispatch


class DeliveryRpcs:
    """Mixed into NotifyServicer (self.uow: the unit-of-work factory; self.config: NotifyConfig);
    `configure_dispatch` gives it the dispatcher (the staff trigger runs a pass in this process) and the test clock."""

    dispatcher: dispatch.Dispatcher | None = None
    test_clock = False

    def configure_dispatch(self, dispatcher: dispatch.Dispatcher, *, test_clock: bool) -> None:
        self.dispatcher = dispatcher
        self.test_clock = test_clock

    def ReportSmsStatus(self, request, context):
        outcome = dispatch.record_sms_status(self.uow, require_caller(), message_id=request.message_id.strip(),
                                             status=request.status, err=request.err, at=_unix(request.at))
        return pb.ReportSmsStatusReply(outcome=outcome)

    def StaffListDeliveries(self, request, context):
        page = dispatch.list_deliveries(self.uow, require_caller(), status=request.status, channel=request.channel,
                                        destination=request.destination, kind=request.kind, cursor=request.cursor,
                                        limit=request.limit)
        return pb.StaffListDeliveriesReply(deliveries=[delivery_to_pb(r) for r in page.rows],
                                           next_cursor=page.cursor)

    def StaffRunDispatch(self, request, context):
        moment, counts = dispatch.run_dispatch(self.uow, self.dispatcher, require_caller(), as_of=request.as_of,
                                               now=dt.datetime.now(dt.UTC), test_clock=self.test_clock)
        return pb.StaffRunDispatchReply(as_of=moment.isoformat(), sent=counts.sent, held=counts.held,
                                        retried=counts.retried, failed=counts.failed)


def _unix(text: str) -> dt.datetime | None:
    if not text.strip():
        return None
    try:
        return dt.datetime.fromtimestamp(int(text.strip()), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise InvalidInput(fields={"at": "Время — целое число секунд Unix."}) from None


def delivery_to_pb(row: dict) -> pb.StaffDelivery:
    msg = pb.StaffDelivery(message_id=row["message_id"], channel=row["channel"], destination=row["destination"],
                           kind=row["kind"], category=row["category"], status=row["status"],
                           attempts=row["attempts"], error=row["report_error"] or row["error"],
                           queued=row["queued"], provider_id=row["provider_id"])
    for name in ("not_before", "created_at", "sent_at", "reported_at"):
        if row[name] is not None:
            getattr(msg, name).FromDatetime(row[name])
    return msg
