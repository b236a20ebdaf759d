"""The notify worker's handler of readings.sms.answered: the answer to an SMS reading, sent to its sender."""

from __future__ import annotations

from kit.events import Event
from services.notify.service_layer import delivery, sms_replies


def sms_reply_handler(senders, retries: delivery.Retries | None):
    def on_sms_answered(event: Event, uow) -> None:
        p = event.payload
        sms_replies.send_sms_reply(uow, senders, event_id=event.id, phone=p.phone, text=p.text, retries=retries)
    return on_sms_answered
