"""Deliveries (section: dispatch): the SMS provider's status callbacks (a signed partner call), staff's view of what
was sent and how it ended, and the test-clock dispatch. Shape only: notify decides every rule.

The status callback is SMSC.ru's («обработчик статусов», https://smsc.ru/api/http/): form fields (its default) or
JSON — `id` (the message's id as the sender gave it: Kabinet's message id), `phone`, `status` (SMSC's code: 1
delivered, 2 read, 3 expired, 20 cannot be delivered, 22 invalid number, 23 prohibited, 24 no money, 25 unavailable
number; -1/0 not final), `err` (the error code of an undelivered SMS), `time` (when the status changed, Unix
seconds), `ts`, `cnt`, … Other fields SMSC adds are ignored.
"""

from __future__ import annotations

from flask import Blueprint
from kabinet.notify.v1 import notify_pb2 as pb
from marshmallow import EXCLUDE, Schema, fields, validate

from gateway.openapi import operation, query_params
from gateway.partners import partner_required
from gateway.schema import (
    SHORT,
    StrictSchema,
    Timestamp,
    body,
    dump,
    field,
    form_or_body,
    query,
    scalar,
    text,
)
from gateway.security import login_required
from gateway.services import notify

partner_bp = Blueprint("sms_status", __name__, url_prefix="/partners/v1")
staff_bp = Blueprint("staff_deliveries", __name__, url_prefix="/staff/v1")


class SmsStatusIn(Schema):
    """SMSC's status callback; fields SMSC may add are ignored (a provider's callback is not ours to refuse)."""

    class Meta:
        unknown = EXCLUDE

    id = scalar(required=True, metadata={"description": "the message's id as Kabinet sent it"})
    phone = scalar(metadata={"description": "the recipient, e.g. 79001234567"})
    status = scalar(required=True, metadata={"description": "SMSC's status code: 1 delivered, 20 undeliverable, …"})
    err = scalar(metadata={"description": "SMSC's error code of an undelivered SMS"})
    time = scalar(metadata={"description": "when the status changed (Unix seconds)"})


class SmsStatusOut(Schema):
    outcome = fields.String(metadata={"description": "delivered | undeliverable | ignored (a status that is not "
                                                     "final, or an id that is not Kabinet's)"})


@partner_bp.post("/sms/status")
@operation("Статус доставки SMS", tag="partners", body=SmsStatusIn, response=SmsStatusOut, auth=False,
           errors=(401, 403, 404, 422, 503),
           description="The SMS gateway reports what became of an SMS Kabinet sent, in SMSC.ru's status-callback "
                       "format, as a form (application/x-www-form-urlencoded) or JSON; signed with the partner's key "
                       "(X-Kabinet-* headers, docs/partners-api.md); a partner of kind sms_gateway (403 partner_only "
                       "otherwise). Staff see it in GET /staff/v1/deliveries. 404 message_not_found: an id of "
                       "Kabinet's not recorded yet — the report outran the send's record: deliver it again later.")
@partner_required
def sms_status():
    data = form_or_body(SmsStatusIn)
    reply = notify().call("ReportSmsStatus", pb.ReportSmsStatusRequest(
        message_id=data["id"], phone=data.get("phone", ""), status=data["status"], err=data.get("err", ""),
        at=data.get("time", "")), idempotent=True)
    return dump(SmsStatusOut, reply)


# --- staff ---------------------------------------------------------------------------------------------------------

STATUSES = ("queued", "sending", "pending", "sent", "delivered", "undeliverable", "failed")  # for the document


class DeliveryListIn(StrictSchema):
    status = text(SHORT, metadata={"description": " | ".join(STATUSES) + " (notify checks it)"})
    channel = text(SHORT, metadata={"description": "sms | email"})
    destination = text(metadata={"description": "the full phone (+7…) or e-mail"})
    kind = text(SHORT, metadata={"description": "a catalogue kind (readings_due_opened, …) or a code's purpose"})
    cursor = text(SHORT * 4, metadata={"description": "next_cursor of the previous page"})
    limit = field(fields.Integer, validate=validate.Range(min=1, max=200, error="Допустимо от 1 до 200."))


class DeliveryOut(Schema):
    message_id = fields.String()
    channel = fields.String()
    destination = fields.String(metadata={"description": "masked: «+7900***4567», «i***@example.ru»"})
    kind = fields.String()
    category = fields.String(metadata={"description": "the preference category; \"\" for codes and links"})
    status = fields.String(metadata={"enum": list(STATUSES), "description": "the provider's report once there is "
                                     "one (delivered, undeliverable), else Kabinet's"})
    attempts = fields.Integer()
    error = fields.String(metadata={"description": "why the last send failed, or why the provider could not "
                                                   "deliver it"})
    queued = fields.Boolean(metadata={"description": "true: the catalogue's queue; false: sent at once (codes)"})
    not_before = Timestamp(allow_none=True, metadata={"description": "queued: not sent before (quiet hours, "
                                                                     "retries)"})
    created_at = Timestamp(allow_none=True)
    sent_at = Timestamp(allow_none=True, metadata={"description": "when the provider took it"})
    reported_at = Timestamp(allow_none=True, metadata={"description": "when the provider reported on it"})
    provider_id = fields.String()


class DeliveryListOut(Schema):
    deliveries = fields.List(fields.Nested(DeliveryOut))
    next_cursor = fields.String(metadata={"description": "\"\" on the last page"})


@staff_bp.get("/deliveries")
@operation("Доставка SMS и писем (сотрудник)", tag="staff", response=DeliveryListOut, errors=(403, 422),
           params=query_params("status", "channel", "destination", "kind", "cursor", "limit"),
           description="Roles admin, operator. Every SMS and e-mail: the catalogue's queue (queued — also held "
                       "until the morning by the quiet hours, with not_before —, sending, sent, failed) and the "
                       "ones sent at once (codes: pending while retried, sent, failed), with the provider's "
                       "delivery report (delivered, undeliverable); newest first, a page at a time (cursor = the "
                       "previous next_cursor). Destinations are masked; the filter takes the full one.")
@login_required
def list_deliveries():
    data = query(DeliveryListIn)
    return dump(DeliveryListOut, notify().call("StaffListDeliveries", pb.StaffListDeliveriesRequest(
        status=data.get("status", ""), channel=data.get("channel", ""), destination=data.get("destination", ""),
        kind=data.get("kind", ""), cursor=data.get("cursor", ""), limit=data.get("limit", 0)), idempotent=True))


class DispatchRunIn(StrictSchema):
    as_of = text(SHORT, metadata={"description": "RFC 3339 moment: the test clock, honoured in dev and test only"})


class DispatchRunOut(Schema):
    as_of = fields.String(metadata={"description": "the moment the pass ran at"})
    sent = fields.Integer()
    held = fields.Integer(metadata={"description": "SMS moved to the morning (quiet hours)"})
    retried = fields.Integer()
    failed = fields.Integer()


@staff_bp.post("/notifications/dispatch")
@operation("Отправить очередь уведомлений", tag="staff", body=DispatchRunIn, response=DispatchRunOut,
           errors=(403, 422),
           description="One pass of the dispatcher (the worker runs one every few tenths of a second): the due SMS "
                       "and e-mails the providers' rates allow leave, SMS in the customer's quiet hours are held "
                       "until the morning. Role admin; audited.")
@login_required
def run_dispatch():
    data = body(DispatchRunIn, optional=True)
    return dump(DispatchRunOut, notify().call("StaffRunDispatch", pb.StaffRunDispatchRequest(
        as_of=data.get("as_of", ""))))
