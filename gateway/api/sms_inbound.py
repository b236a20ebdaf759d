"""SMS readings: the SMS gateway delivers an incoming SMS (signed partner call); readings parses and answers.

The body is SMSC.ru's incoming-message callback (https://smsc.ru/api/http/ "обработчик"): form fields (its
default) or JSON (its `fmt=3`) — `id` (or `sms_id`) the message's id at the gateway, `phone` the sender, `mes`
the text, `to` our number, `sent` / `time` when it was sent and received. Other fields SMSC adds (`charset`,
`md5`, …) are ignored. Shape only: readings decides who may submit, what the text means and what to answer
(services/readings/service_layer/sms.py); the answer SMS leaves through notify.
"""

from __future__ import annotations

from flask import Blueprint
from kabinet.readings.v1 import readings_pb2 as pb
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema

from gateway.openapi import operation
from gateway.partners import partner_required
from gateway.schema import SHORT, dump, form_or_body, scalar
from gateway.services import readings

bp = Blueprint("partners_sms", __name__, url_prefix="/partners/v1")

SMS_TEXT = 1000  # SMSC's limit for a message text: a size cap, not a rule


class SmsInboundIn(Schema):
    """SMSC's incoming SMS; fields SMSC may add are ignored (a provider's callback is not ours to refuse)."""

    class Meta:
        unknown = EXCLUDE

    id = scalar(SHORT, metadata={"description": "the message's id at the SMS gateway (idempotency key)"})
    sms_id = scalar(SHORT, metadata={"description": "used when `id` is absent"})
    phone = scalar(SHORT, required=True, metadata={"description": "the sender, e.g. 79001234567"})
    mes = scalar(SMS_TEXT, required=True, metadata={"description": "the SMS text, e.g. PESC DISP 012-12345678 00325"})
    to = scalar(SHORT, metadata={"description": "the number the SMS was sent to"})
    sent = scalar(SHORT, metadata={"description": "when the subscriber sent it (Unix seconds)"})
    time = scalar(SHORT, metadata={"description": "when the gateway received it (Unix seconds)"})

    @validates_schema
    def _has_id(self, data, **kwargs):
        if not (data.get("id") or data.get("sms_id")):
            raise ValidationError("Обязательное поле.", "id")


class SmsInboundOut(Schema):
    message_id = fields.String()
    outcome = fields.String(metadata={"description": "accepted | malformed | not_found | wrong_zones | "
                                                     "several_meters | no_meter | a refusal code of a reading "
                                                     "(outside_window, confirmation_required, reading_below_previous, "
                                                     "automatic_metering, invalid_reading, …)"})
    reply = fields.String(metadata={"description": "the answer SMS (Russian) that is sent to the sender"})
    reading_id = fields.String(allow_none=True, metadata={"description": "the accepted reading, null otherwise"})
    replayed = fields.Boolean(metadata={"description": "true: the answer to an earlier delivery of this message"})


@bp.post("/sms/inbound")
@operation("Входящее SMS с показаниями", tag="partners", body=SmsInboundIn, response=SmsInboundOut, auth=False,
           errors=(401, 403, 503),
           description="The SMS gateway delivers an incoming SMS in SMSC.ru's callback format, as a form "
                       "(application/x-www-form-urlencoded, charset utf-8) or JSON; signed with the partner's key "
                       "(X-Kabinet-* headers, docs/partners-api.md); a partner of kind sms_gateway (403 partner_only "
                       "otherwise). Every SMS gets an answer (200) whatever it says: `outcome` and the answer SMS "
                       "`reply`, which notify sends to the sender. Once per message id: a re-delivered SMS gets the "
                       "first answer (replayed: true) and nothing is stored or sent again. 503 when a service "
                       "behind it is unavailable: deliver again later. docs/sms-readings.md.")
@partner_required
def inbound():
    data = form_or_body(SmsInboundIn)
    message_id = data.get("id") or data["sms_id"]
    reply = readings().call("SubmitSmsReading", pb.SubmitSmsReadingRequest(
        message_id=message_id, phone=data["phone"], text=data["mes"], received_at=data.get("time", "")),
        idempotent=True)
    return dump(SmsInboundOut, {"message_id": message_id, "outcome": reply.outcome, "reply": reply.reply,
                                "reading_id": reply.reading_id or None, "replayed": reply.replayed})
