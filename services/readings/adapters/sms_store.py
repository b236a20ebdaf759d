"""SMS readings' own queries: the supplier an SMS code names, the answers given to incoming SMS, and the
readings.sms.answered event that carries an answer to notify."""

from __future__ import annotations

from kabinet.readings.v1 import readings_pb2 as pb
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from kit.events import Event
from services.readings.adapters.orm import sms_messages, supplier_facts
from services.readings.domain.sms_replies import SmsAnswer

ANSWERED = "readings.sms.answered"


class SmsStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def supplier_by_code(self, sms_code: str) -> str | None:
        """The supplier whose SMS code this is (the newest fact wins while a code moves between suppliers)."""
        return self.session.execute(
            select(supplier_facts.c.supplier_id).where(supplier_facts.c.sms_code == sms_code)
            .order_by(supplier_facts.c.as_of.desc()).limit(1)).scalar()

    def answer(self, partner_id: str, message_id: str) -> SmsAnswer | None:
        row = self.session.execute(select(sms_messages).where(
            sms_messages.c.partner_id == partner_id, sms_messages.c.message_id == message_id)).mappings().first()
        if row is None:
            return None
        return SmsAnswer(outcome=row["outcome"], reply=row["reply"], reading_id=row["reading_id"] or "",
                         replayed=True)

    def add(self, partner_id: str, message_id: str, phone: str, answer: SmsAnswer) -> bool:
        """Record the answer; False when this message was answered already (a concurrent delivery won)."""
        return self.session.execute(insert(sms_messages).values(
            partner_id=partner_id, message_id=message_id, phone=phone, outcome=answer.outcome, reply=answer.reply,
            reading_id=answer.reading_id or None).on_conflict_do_nothing().returning(sms_messages.c.message_id)
        ).first() is not None


def sms_answered(message_id: str, phone: str, answer: SmsAnswer) -> Event:
    """readings.sms.answered: the reply SMS for notify to send to the sender (once: notify's message id follows
    from the event's)."""
    return Event(type=ANSWERED, aggregate_id=message_id, payload=pb.SmsAnswered(
        message_id=message_id, phone=phone, text=answer.reply, outcome=answer.outcome, reading_id=answer.reading_id))
