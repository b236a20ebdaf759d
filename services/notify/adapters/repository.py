"""Repositories of the notify database over SQLAlchemy Core: inbox, deliveries, dev outbox, contacts, preferences,
and the projection of accounts' facts the catalogue reads.

Lookups of many keys are one statement each (`= ANY(:array)`), inserts of many rows one INSERT of unnest()ed
arrays: the catalogue's batches (notify_many) cost a fixed handful of statements whatever their size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import and_, any_, delete, func, literal, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.notify.adapters.orm import (
    account_bindings,
    account_facts,
    account_users,
    contacts,
    deliveries,
    dev_outbox,
    inbox,
    notification_preferences,
    supplier_facts,
    unsubscribe_uses,
)
from services.notify.domain.model import AccountFact, Delivery, InboxMessage, Outgoing

# one message (and its id back when it is new): built once
_ADD_TO_INBOX = pg_insert(inbox).on_conflict_do_nothing(index_elements=[inbox.c.message_id]).returning(
    inbox.c.message_id)


def _any(column, values: Iterable[str]):
    """`column = ANY(:array)`: one bind parameter however many values."""
    return column == any_(literal(sorted(set(values)), ARRAY(column.type)))


_ADD_MANY_TO_INBOX = text(
    "INSERT INTO inbox (message_id, user_id, category, title, body, account_id, created_at) "
    "SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:users AS uuid[]), CAST(:categories AS text[]), "
    "CAST(:titles AS text[]), CAST(:bodies AS text[]), CAST(:accounts AS uuid[]), CAST(:ats AS timestamptz[])) "
    "ON CONFLICT (message_id) DO NOTHING")


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

    def add_many(self, messages: Sequence[InboxMessage]) -> None:
        """Adds each message unless one with its id exists (a redelivered fact): one INSERT … SELECT FROM unnest of
        one array per column, however many messages (nothing to compile per row, no parameter limit)."""
        if messages:
            self.session.execute(_ADD_MANY_TO_INBOX, dict(
                ids=[m.message_id for m in messages], users=[m.user_id for m in messages],
                categories=[m.category for m in messages], titles=[m.title for m in messages],
                bodies=[m.body for m in messages], accounts=[m.account_id for m in messages],
                ats=[m.created_at for m in messages]))

    def list_for_user(self, user_id: str, limit: int) -> list[InboxMessage]:
        """Newest first."""
        return self.page(user_id, limit)

    def page(self, user_id: str, limit: int, after: tuple[dt.datetime, str] | None = None, *,
             unread_only: bool = False) -> list[InboxMessage]:
        """Newest first (time of the fact, then id, both descending); `after`: the (created_at, message_id) of the
        last message of the previous page (keyset: a page never repeats or skips one when new ones arrive)."""
        query = select(inbox).where(inbox.c.user_id == user_id)
        if after is not None:
            at, message_id = after
            query = query.where(tuple_(inbox.c.created_at, inbox.c.message_id) < tuple_(
                literal(at, inbox.c.created_at.type), literal(message_id, inbox.c.message_id.type)))
        if unread_only:
            query = query.where(inbox.c.read_at.is_(None))
        rows = self.session.execute(
            query.order_by(inbox.c.created_at.desc(), inbox.c.message_id.desc()).limit(limit)).mappings()
        return [InboxMessage(message_id=r["message_id"], user_id=r["user_id"], category=r["category"],
                             title=r["title"], body=r["body"], created_at=r["created_at"],
                             account_id=r["account_id"], read=r["read_at"] is not None) for r in rows]

    def unread_count(self, user_id: str) -> int:
        return self.session.execute(select(func.count()).select_from(inbox).where(
            inbox.c.user_id == user_id, inbox.c.read_at.is_(None))).scalar_one()

    def mark_read(self, user_id: str, message_id: str, at: dt.datetime) -> bool:
        """Marks the user's message read (a read one stays as it was); False when the user has no such message."""
        found = self.session.execute(select(inbox.c.read_at).where(
            inbox.c.user_id == user_id, inbox.c.message_id == message_id)).first()
        if found is None:
            return False
        if found.read_at is None:
            self.session.execute(update(inbox).where(inbox.c.message_id == message_id).values(read_at=at))
        return True

    def mark_all_read(self, user_id: str, at: dt.datetime) -> int:
        """Marks every unread message of the user read; how many there were."""
        return self.session.execute(update(inbox).where(
            inbox.c.user_id == user_id, inbox.c.read_at.is_(None)).values(read_at=at)).rowcount


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

    def of_users(self, user_ids: Collection[str]) -> dict[str, dict[str, str]]:
        """user id -> {channel: the user's verified contact of it}, for the users that have any."""
        out: dict[str, dict[str, str]] = {}
        for user_id, channel, destination in self.session.execute(
                select(contacts.c.user_id, contacts.c.channel, contacts.c.destination)
                .where(_any(contacts.c.user_id, user_ids))):
            out.setdefault(user_id, {})[channel] = destination
        return out

    def destinations(self, user_ids: list[str], channel: str) -> dict[str, str]:
        """user id -> the user's verified contact of the channel, for those that have one."""
        rows = self.session.execute(select(contacts.c.user_id, contacts.c.destination).where(
            contacts.c.user_id.in_(user_ids), contacts.c.channel == channel))
        return {user_id: destination for user_id, destination in rows}


def _with_plus(destination: str) -> str:
    return f"+{destination}" if destination.isdigit() else destination


class PreferenceRepository:
    """What customers said about categories × channels (no row: the catalogue's default), and the one-click
    unsubscribe links used."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def of_users(self, user_ids: Collection[str]) -> dict[str, dict[tuple[str, str], bool]]:
        """user id -> {(category, channel): enabled} for the users that said anything."""
        t = notification_preferences
        out: dict[str, dict[tuple[str, str], bool]] = {}
        for user_id, category, channel, enabled in self.session.execute(
                select(t.c.user_id, t.c.category, t.c.channel, t.c.enabled).where(_any(t.c.user_id, user_ids))):
            out.setdefault(user_id, {})[(category, channel)] = enabled
        return out

    def put(self, user_id: str, changes: Iterable[tuple[str, str, bool]], at: dt.datetime) -> None:
        t = notification_preferences
        rows = [dict(user_id=user_id, category=c, channel=ch, enabled=on, updated_at=at) for c, ch, on in changes]
        if rows:
            stmt = pg_insert(t).values(rows)
            self.session.execute(stmt.on_conflict_do_update(
                index_elements=[t.c.user_id, t.c.category, t.c.channel],
                set_={"enabled": stmt.excluded.enabled, "updated_at": stmt.excluded.updated_at}))

    def opted_in(self, category: str, user_ids: Collection[str] | None = None) -> set[str]:
        """Users who switched some channel of the category on (of `user_ids`, or of all)."""
        t = notification_preferences
        query = select(t.c.user_id).distinct().where(t.c.category == category, t.c.enabled.is_(True))
        if user_ids is not None:
            query = query.where(_any(t.c.user_id, user_ids))
        return set(self.session.scalars(query))

    def use_unsubscribe(self, message_id: str, user_id: str, category: str, at: dt.datetime) -> bool:
        """Records the use of an e-mail's unsubscribe link; False when it was used before."""
        stmt = pg_insert(unsubscribe_uses).values(message_id=message_id, user_id=user_id, category=category,
                                                  used_at=at)
        return self.session.execute(stmt.on_conflict_do_nothing(
            index_elements=[unsubscribe_uses.c.message_id]).returning(unsubscribe_uses.c.message_id)).first() \
            is not None

    def unsubscribe_used(self, message_id: str) -> bool:
        return self.session.execute(select(unsubscribe_uses.c.message_id).where(
            unsubscribe_uses.c.message_id == message_id)).first() is not None


class AccountProjection:
    """Notify's projection of accounts' facts (migration 0003): who is bound to an account, an account's number,
    category and supplier, a supplier's time zone; the newest fact (occurred_at) wins everywhere."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def bind(self, account_id: str, user_id: str, *, bound: bool, as_of: dt.datetime) -> None:
        """accounts.account.bound/unbound: account_users follows the newest fact of the pair only."""
        t = account_bindings
        stmt = pg_insert(t).values(account_id=account_id, user_id=user_id, bound=bound, as_of=as_of)
        newest = self.session.execute(stmt.on_conflict_do_update(
            index_elements=[t.c.account_id, t.c.user_id], set_={"bound": bound, "as_of": as_of},
            where=t.c.as_of < stmt.excluded.as_of).returning(t.c.account_id)).first()
        if newest is None:
            return
        if bound:
            self.session.execute(pg_insert(account_users).values(account_id=account_id, user_id=user_id)
                                 .on_conflict_do_nothing())
        else:
            self.session.execute(delete(account_users).where(account_users.c.account_id == account_id,
                                                             account_users.c.user_id == user_id))

    def put_account(self, account_id: str, *, supplier_id: str, number: str, category: str,
                    as_of: dt.datetime) -> None:
        t = account_facts
        values = dict(supplier_id=supplier_id, number=number, category=category, as_of=as_of)
        stmt = pg_insert(t).values(account_id=account_id, **values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=[t.c.account_id], set_=values,
                                                        where=t.c.as_of < stmt.excluded.as_of))

    def put_supplier(self, supplier_id: str, *, name: str, time_zone: str, as_of: dt.datetime) -> None:
        t = supplier_facts
        values = dict(name=name, time_zone=time_zone, as_of=as_of)
        stmt = pg_insert(t).values(supplier_id=supplier_id, **values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=[t.c.supplier_id], set_=values,
                                                        where=t.c.as_of < stmt.excluded.as_of))

    def users_of(self, account_ids: Collection[str]) -> dict[str, list[str]]:
        """account id -> the users bound to it (in a stable order)."""
        out: dict[str, list[str]] = {}
        for account_id, user_id in self.session.execute(
                select(account_users.c.account_id, account_users.c.user_id)
                .where(_any(account_users.c.account_id, account_ids))
                .order_by(account_users.c.account_id, account_users.c.user_id)):
            out.setdefault(account_id, []).append(user_id)
        return out

    def facts_of(self, account_ids: Collection[str]) -> dict[str, AccountFact]:
        """account id -> its number, category and its supplier's time zone ("" when the supplier is unknown)."""
        rows = self.session.execute(
            select(account_facts.c.account_id, account_facts.c.number, account_facts.c.category,
                   func.coalesce(supplier_facts.c.time_zone, ""))
            .select_from(account_facts.outerjoin(supplier_facts,
                                                 supplier_facts.c.supplier_id == account_facts.c.supplier_id))
            .where(_any(account_facts.c.account_id, account_ids)))
        return {a: AccountFact(number, category, tz) for a, number, category, tz in rows}

    def time_zones_of_users(self, user_ids: Collection[str]) -> dict[str, str]:
        """user id -> the time zone of the supplier of one of their accounts (the lowest account id), if any."""
        rows = self.session.execute(
            select(account_users.c.user_id, supplier_facts.c.time_zone)
            .ext(distinct_on(account_users.c.user_id))
            .select_from(account_users.join(account_facts, account_facts.c.account_id == account_users.c.account_id)
                         .join(supplier_facts, supplier_facts.c.supplier_id == account_facts.c.supplier_id))
            .where(_any(account_users.c.user_id, user_ids))
            .order_by(account_users.c.user_id, account_users.c.account_id))
        return dict(rows.all())

    def audience(self, *, supplier_id: str | None, legal: bool | None, users: Collection[str] | None = None
                 ) -> list[str]:
        """The users bound to some account of the supplier (None: of any), of legal entities only (True), of
        households only (False) or of both (None); among `users` when given. Legal: category "legal" or "legal_…"."""
        is_legal = or_(account_facts.c.category == "legal", account_facts.c.category.startswith("legal_"))
        query = (select(account_users.c.user_id).distinct()
                 .select_from(account_users.join(account_facts,
                                                 account_facts.c.account_id == account_users.c.account_id)))
        conditions = []
        if supplier_id:
            conditions.append(account_facts.c.supplier_id == supplier_id)
        if legal is not None:
            conditions.append(is_legal if legal else ~is_legal)
        if users is not None:
            conditions.append(_any(account_users.c.user_id, users))
        if conditions:
            query = query.where(and_(*conditions))
        return sorted(self.session.scalars(query.order_by(account_users.c.user_id)))
