"""Answers to SMS readings: readings decides what to answer (readings.sms.answered carries the text); notify sends
it to the sender's phone through the SMS adapter, like a code. Once per event: the message id follows from the
event's, so a redelivered event finds its delivery and sends nothing again. An event handler: it runs inside the
transaction the kit's consumer opened."""

from __future__ import annotations

from kit.errors import InvalidInput
from services.notify.domain.model import SMS, Delivery, Outgoing, message_id_for
from services.notify.service_layer import delivery

PURPOSE = "sms_reading_reply"


def send_sms_reply(uow, senders, *, event_id: str, phone: str, text: str,
                   retries: delivery.Retries | None = None) -> Delivery:
    if not phone.strip() or not text.strip():
        raise InvalidInput("sms answer without a phone or a text", code="malformed_event")
    message = Outgoing(message_id=message_id_for(event_id, SMS), channel=SMS, destination=phone.strip(), subject="",
                       body=text, purpose=PURPOSE)
    return delivery.deliver(uow, senders, message, retries)
