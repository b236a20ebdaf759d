"""Repositories of the notify database over SQLAlchemy Core: inbox, deliveries, dev outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.notify.adapters.orm import contacts, deliveries, dev_outbox, inbox
from services.notify.domain.model import Delivery, InboxMessage, Outgoing

# every reading and charge puts a message in an inbox: built once
_ADD_TO_INBOX = pg_insert(inbox).on_conflict_do_nothing(index_elements=[inbox.c.message_id]).returning(
    inbox.c.message_id)


class InboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, message: InboxMessage) -> bool:
        """Adds the message unless one with its id exists; True if added."""
        added = self.session.execute(_ADD_TO_INBOX, dict(
            message_id=message.message_id, user_id=message.user_id, category=message.category,
            title=message.title, body=message.body, account_id=message.account_id,
            created_at=message.created_at,
        )).first()
        return added is not None

    def list_for_user(self, user_id: str, limit: int) -> list[InboxMessage]:
        """Newest first."""
        rows = self.session.execute(
            select(inbox).where(inbox.c.user_id == user_id)
            .order_by(inbox.c.created_at.desc(), inbox.c.message_id).limit(limit)
        ).mappings()
        return [InboxMessage(message_id=r["message_id"], user_id=r["user_id"], category=r["category"],
                             title=r["title"], body=r["body"], created_at=r["created_at"],
                             account_id=r["account_id"], read=r["read_at"] is not None) for r in rows]


class DeliveryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, message_id: str) -> Delivery | None:
        row = self.session.execute(select(deliveries).where(deliveries.c.message_id == message_id)
                                   ).mappings().first()
        if row is None:
            return None
        return Delivery(message_id=row["message_id"], channel=row["channel"], destination=row["destination"],
                        purpose=row["purpose"], status=row["status"], attempts=row["attempts"], error=row["error"])

    def save(self, delivery: Delivery) -> None:
        values = dict(status=delivery.status, attempts=delivery.attempts, error=delivery.error)
        self.session.execute(pg_insert(deliveries).values(
            message_id=delivery.message_id, channel=delivery.channel, destination=delivery.destination,
            purpose=delivery.purpose, **values,
        ).on_conflict_do_update(index_elements=[deliveries.c.message_id], set_={**values, "updated_at": func.now()}))


class DevOutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, message: Outgoing) -> None:
        """Once per message id: a message handed over again is not written twice."""
        self.session.execute(pg_insert(dev_outbox).values(
            message_id=message.message_id, channel=message.channel, destination=message.destination,
            purpose=message.purpose, subject=message.subject, body=message.body,
        ).on_conflict_do_nothing(index_elements=[dev_outbox.c.message_id]))

    def list(self, destination: str, limit: int) -> list[tuple[Outgoing, dt.datetime]]:
        """(message, sent at), newest first; `destination` "" for all. A phone may come without its "+"
        (a "+" in a query string arrives as a space)."""
        query = select(dev_outbox)
        destination = destination.strip()
        if destination:
            query = query.where(dev_outbox.c.destination.in_({destination, _with_plus(destination)}))
        rows = self.session.execute(
            query.order_by(dev_outbox.c.sent_at.desc(), dev_outbox.c.message_id).limit(limit)).mappings()
        return [(Outgoing(message_id=r["message_id"], channel=r["channel"], destination=r["destination"],
                          subject=r["subject"], body=r["body"], purpose=r["purpose"]), r["sent_at"]) for r in rows]


class ContactRepository:
    """The projection of verified contacts: the newest event of a user and channel wins."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, user_id: str, channel: str, destination: str, as_of: dt.datetime) -> None:
        stmt = pg_insert(contacts).values(user_id=user_id, channel=channel, destination=destination, as_of=as_of)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=[contacts.c.user_id, contacts.c.channel],
            set_={"destination": destination, "as_of": as_of}, where=contacts.c.as_of < stmt.excluded.as_of))

    def destinations(self, user_ids: list[str], channel: str) -> dict[str, str]:
        """user id -> the user's verified contact of the channel, for those that have one."""
        rows = self.session.execute(select(contacts.c.user_id, contacts.c.destination).where(
            contacts.c.user_id.in_(user_ids), contacts.c.channel == channel))
        return {user_id: destination for user_id, destination in rows}


def _with_plus(destination: str) -> str:
    return f"+{destination}" if destination.isdigit() else destination

