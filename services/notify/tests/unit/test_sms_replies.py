"""The answer to an SMS reading (readings.sms.answered) goes to the sender's phone through the SMS adapter once,
however often the event comes."""

import uuid

import pytest
from kabinet.readings.v1 import readings_pb2

from kit.errors import InvalidInput
from kit.events import Event
from services.notify.entrypoints.sms_replies import sms_reply_handler
from services.notify.tests.unit.test_handlers import FakeUnitOfWork, RecordingSender

TEXT = "Приняты показания 325. Предварительно начислено 1950,00 ₽"


def answered(phone="79000000001", text=TEXT) -> Event:
    return Event(type="readings.sms.answered", aggregate_id="m-1", id=str(uuid.uuid4()),
                 payload=readings_pb2.SmsAnswered(message_id="m-1", phone=phone, text=text, outcome="accepted"))


def test_the_answer_goes_to_the_sender_once_per_event():
    uow, sms = FakeUnitOfWork(), RecordingSender()
    handle, event = sms_reply_handler({"sms": sms}, None), answered()
    handle(event, uow)
    handle(event, uow)  # redelivered
    assert [(m.channel, m.destination, m.body, m.purpose) for m in sms.sent] == [
        ("sms", "79000000001", TEXT, "sms_reading_reply")]
    handle(answered(), uow)  # another answer (another message) is another SMS
    assert len(sms.sent) == 2


@pytest.mark.parametrize(("phone", "text"), [("", TEXT), ("79000000001", " ")])
def test_an_answer_without_phone_or_text_is_poison(phone, text):
    with pytest.raises(InvalidInput):
        sms_reply_handler({"sms": RecordingSender()}, None)(answered(phone, text), FakeUnitOfWork())
