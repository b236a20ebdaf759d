"""The notify gRPC API: protobuf in, use case, protobuf out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kabinet.notify.v1 import notify_pb2 as pb
from kabinet.notify.v1 import notify_pb2_grpc as pb_grpc

from kit.context import require_caller
from services.notify.domain.model import InboxMessage, Outgoing
from services.notify.entrypoints.api_care import CareRpcs
from services.notify.entrypoints.api_deliveries import DeliveryRpcs
from services.notify.entrypoints.api_notifications import NotificationRpcs
from services.notify.service_layer import delivery, inbox

MAX_LIMIT = 200


def _limit(requested: int, default: int = 50) -> int:
    return min(max(requested or default, 1), MAX_LIMIT)


class NotifyServicer(NotificationRpcs, DeliveryRpcs, CareRpcs, pb_grpc.NotifyServicer):
    def __init__(self, uow_factory, *, dev_outbox: bool, mailboxes: Sequence[delivery.Mailbox] = (),
                 config=None) -> None:
        self.uow = uow_factory
        self.config = config  # NotifyConfig (None in unit tests that need none of it)
        self.dev_outbox = dev_outbox
        self.mailboxes = list(mailboxes)  # the delivery simulators', shown in the dev outbox too

    def ListInbox(self, request, context):
        user = require_caller()
        messages = inbox.list_inbox(self.uow(), user_id=user.user_id, limit=_limit(request.limit))
        return pb.ListInboxReply(messages=[inbox_to_pb(m) for m in messages])

    def ListDevOutbox(self, request, context):
        sent = delivery.list_dev_outbox(self.uow(), enabled=self.dev_outbox, destination=request.destination,
                                        limit=_limit(request.limit), mailboxes=self.mailboxes)
        return pb.ListDevOutboxReply(messages=[dev_to_pb(m, at) for m, at in sent])


def inbox_to_pb(m: InboxMessage) -> pb.InboxMessage:
    msg = pb.InboxMessage(message_id=m.message_id, category=m.category, title=m.title, body=m.body,
                          account_id=m.account_id or "", read=m.read)
    msg.created_at.FromDatetime(m.created_at)
    return msg


def dev_to_pb(m: Outgoing, sent_at: dt.datetime) -> pb.DevMessage:
    msg = pb.DevMessage(message_id=m.message_id, channel=m.channel, destination=m.destination, subject=m.subject,
                        body=m.body)
    msg.sent_at.FromDatetime(sent_at)
    return msg
