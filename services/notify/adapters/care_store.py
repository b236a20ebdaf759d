"""The customer-care store over SQLAlchemy Core: news, outage notices, feedback with attachments and replies,
and the accounts projection read as news readers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, false, insert, literal, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.notify.adapters.orm import (
    account_facts,
    account_users,
    feedback,
    feedback_attachments,
    feedback_replies,
    news,
    outage_notices,
)
from services.notify.domain.feedback import Attachment, Author, Feedback, Reply
from services.notify.domain.news import ALL, PUBLISHED, NewsItem, Reader
from services.notify.domain.notices import OutageNotice

Cursor = tuple[dt.datetime, str] | None


def _after(moment_col, id_col, cursor: Cursor, *, descending: bool):
    """Keyset condition: the rows after the cursor in (moment, id) order."""
    if cursor is None:
        return None
    key = tuple_(moment_col, id_col)
    bound = tuple_(literal(cursor[0], moment_col.type), literal(cursor[1], id_col.type))
    return key < bound if descending else key > bound


class NewsStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, item: NewsItem) -> None:
        self.session.execute(insert(news).values(**_news_row(item)))

    def save(self, item: NewsItem) -> None:
        self.session.execute(update(news).where(news.c.news_id == item.news_id).values(**_news_row(item)))

    def get(self, news_id: str, *, lock: bool = False) -> NewsItem | None:
        query = select(news).where(news.c.news_id == news_id)
        row = self.session.execute(query.with_for_update() if lock else query).mappings().first()
        return None if row is None else _news(row)

    def readable(self, who: Reader, now: dt.datetime, limit: int, after: Cursor) -> list[NewsItem]:
        """The published news `who` may read (domain/news.py:visible_to, in SQL), newest first."""
        n = news.c
        if who.signed_in:
            allowed = or_(and_(n.supplier_id.is_(None), n.audience.in_({ALL, *who.audiences})),
                          and_(n.supplier_id.in_(who.suppliers), n.audience == ALL) if who.suppliers else false(),
                          tuple_(n.supplier_id, n.audience).in_(who.pairs) if who.pairs else false())
        else:
            suppliers = n.supplier_id.is_(None) if who.public_supplier is None else or_(
                n.supplier_id.is_(None), n.supplier_id == who.public_supplier)
            allowed = and_(n.audience == ALL, suppliers)
        query = select(news).where(n.status == PUBLISHED, n.published_at <= now, allowed)
        cond = _after(n.published_at, n.news_id, after, descending=True)
        if cond is not None:
            query = query.where(cond)
        rows = self.session.execute(query.order_by(n.published_at.desc(), n.news_id.desc()).limit(limit)).mappings()
        return [_news(r) for r in rows]

    def for_staff(self, *, supplier_id: str, status: str, limit: int, after: Cursor) -> list[NewsItem]:
        """Every item, newest first (by creation); `supplier_id` "all" = the news for every supplier."""
        n = news.c
        query = select(news)
        if supplier_id == "all":
            query = query.where(n.supplier_id.is_(None))
        elif supplier_id:
            query = query.where(n.supplier_id == supplier_id)
        if status:
            query = query.where(n.status == status)
        cond = _after(n.created_at, n.news_id, after, descending=True)
        if cond is not None:
            query = query.where(cond)
        rows = self.session.execute(query.order_by(n.created_at.desc(), n.news_id.desc()).limit(limit)).mappings()
        return [_news(r) for r in rows]

    def reader_accounts(self, user_id: str) -> list[tuple[str, str]]:
        """(supplier, category) of each account bound to the user, from notify's projections of accounts."""
        rows = self.session.execute(
            select(account_facts.c.supplier_id, account_facts.c.category)
            .join(account_users, account_users.c.account_id == account_facts.c.account_id)
            .where(account_users.c.user_id == user_id))
        return [(str(s), c) for s, c in rows]


def _news_row(item: NewsItem) -> dict:
    return dict(news_id=item.news_id, supplier_id=item.supplier_id, audience=item.audience, title=item.title,
                body=item.body, status=item.status, published_at=item.published_at, created_by=item.created_by,
                created_at=item.created_at, updated_at=item.updated_at)


def _news(r) -> NewsItem:
    return NewsItem(news_id=r["news_id"], supplier_id=r["supplier_id"], audience=r["audience"], title=r["title"],
                    body=r["body"], status=r["status"], published_at=r["published_at"],
                    created_by=r["created_by"], created_at=r["created_at"], updated_at=r["updated_at"])


class NoticeStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, notice: OutageNotice) -> None:
        self.session.execute(insert(outage_notices).values(**_notice_row(notice)))

    def save(self, notice: OutageNotice) -> None:
        self.session.execute(update(outage_notices).where(outage_notices.c.notice_id == notice.notice_id)
                             .values(ends_at=notice.ends_at))

    def get(self, notice_id: str, *, lock: bool = False) -> OutageNotice | None:
        query = select(outage_notices).where(outage_notices.c.notice_id == notice_id)
        row = self.session.execute(query.with_for_update() if lock else query).mappings().first()
        return None if row is None else OutageNotice(**row)

    def in_force(self, now: dt.datetime, supplier_id: str | None) -> list[OutageNotice]:
        """The notices in force at `now`, of every supplier or of `supplier_id` and everyone's; newest first.
        A handful of rows: the open ones are found by the `ends_at` index (NULL or later)."""
        o = outage_notices.c
        query = select(outage_notices).where(o.starts_at <= now, or_(o.ends_at.is_(None), o.ends_at > now))
        if supplier_id is not None:
            query = query.where(or_(o.supplier_id.is_(None), o.supplier_id == supplier_id))
        rows = self.session.execute(query.order_by(o.starts_at.desc(), o.notice_id)).mappings()
        return [OutageNotice(**r) for r in rows]

    def latest(self, limit: int) -> list[OutageNotice]:
        o = outage_notices.c
        rows = self.session.execute(select(outage_notices).order_by(o.created_at.desc(), o.notice_id)
                                    .limit(limit)).mappings()
        return [OutageNotice(**r) for r in rows]


def _notice_row(n: OutageNotice) -> dict:
    return dict(notice_id=n.notice_id, supplier_id=n.supplier_id, text=n.text, severity=n.severity,
                starts_at=n.starts_at, ends_at=n.ends_at, created_by=n.created_by, created_at=n.created_at)


class FeedbackStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, item: Feedback) -> int | None:
        """Adds the message with its files: its number, or None when the author's idempotency key is taken."""
        a = item.author
        added = self.session.execute(pg_insert(feedback).values(
            feedback_id=item.feedback_id, user_id=a.user_id, account_id=a.account_id, topic=item.topic,
            text=item.text, name=a.name, email=a.email, phone=a.phone, address=a.address, status=item.status,
            author_key=a.key, idempotency_key=item.idempotency_key, created_at=item.created_at,
            updated_at=item.updated_at,
        ).on_conflict_do_nothing(index_elements=[feedback.c.author_key, feedback.c.idempotency_key],
                                 index_where=feedback.c.idempotency_key != "").returning(feedback.c.number)
        ).scalar()
        if added is None:
            return None
        if item.attachments:
            self.session.execute(insert(feedback_attachments), [dict(
                feedback_id=item.feedback_id, n=f.n, filename=f.filename, content_type=f.content_type,
                size=f.size, content=f.content) for f in item.attachments])
        return added

    def by_key(self, author: Author, key: str) -> Feedback | None:
        """The author's message sent with this idempotency key, if any."""
        if not key:
            return None
        found = self._load(select(feedback).where(feedback.c.author_key == author.key,
                                                  feedback.c.idempotency_key == key))
        return found[0] if found else None

    def get(self, feedback_id: str, *, user_id: str | None = None, lock: bool = False) -> Feedback | None:
        """One message (only the user's own when `user_id` is given)."""
        query = select(feedback).where(feedback.c.feedback_id == feedback_id)
        if user_id is not None:
            query = query.where(feedback.c.user_id == user_id)
        found = self._load(query.with_for_update() if lock else query)
        return found[0] if found else None

    def of_user(self, user_id: str, limit: int, after: Cursor) -> list[Feedback]:
        """The user's messages, newest first."""
        f = feedback.c
        query = select(feedback).where(f.user_id == user_id)
        cond = _after(f.created_at, f.feedback_id, after, descending=True)
        if cond is not None:
            query = query.where(cond)
        return self._load(query.order_by(f.created_at.desc(), f.feedback_id.desc()).limit(limit))

    def queue(self, *, status: str, topic: str, limit: int, after: Cursor) -> list[Feedback]:
        """Staff's queue, oldest first."""
        f = feedback.c
        query = select(feedback)
        if status:
            query = query.where(f.status == status)
        if topic:
            query = query.where(f.topic == topic)
        cond = _after(f.created_at, f.feedback_id, after, descending=False)
        if cond is not None:
            query = query.where(cond)
        return self._load(query.order_by(f.created_at, f.feedback_id).limit(limit))

    def save(self, item: Feedback, new_reply: Reply | None = None) -> None:
        self.session.execute(update(feedback).where(feedback.c.feedback_id == item.feedback_id)
                             .values(status=item.status, updated_at=item.updated_at))
        if new_reply is not None:
            self.session.execute(insert(feedback_replies).values(
                reply_id=new_reply.reply_id, feedback_id=item.feedback_id, text=new_reply.text,
                staff_id=new_reply.staff_id, created_at=new_reply.created_at))

    def attachment(self, feedback_id: str, n: int) -> Attachment | None:
        a = feedback_attachments.c
        row = self.session.execute(select(feedback_attachments).where(a.feedback_id == feedback_id, a.n == n)
                                   ).mappings().first()
        return None if row is None else Attachment(n=row["n"], filename=row["filename"],
                                                   content_type=row["content_type"], size=row["size"],
                                                   content=bytes(row["content"]))

    def _load(self, query) -> list[Feedback]:
        """The messages of `query` with their replies and attachments (listed, without content): three
        statements for a page."""
        rows = list(self.session.execute(query).mappings())
        if not rows:
            return []
        ids = [r["feedback_id"] for r in rows]
        a, r_ = feedback_attachments.c, feedback_replies.c
        files: dict[str, list[Attachment]] = {}
        for f in self.session.execute(select(a.feedback_id, a.n, a.filename, a.content_type, a.size)
                                      .where(a.feedback_id.in_(ids)).order_by(a.feedback_id, a.n)).mappings():
            files.setdefault(f["feedback_id"], []).append(Attachment(
                n=f["n"], filename=f["filename"], content_type=f["content_type"], size=f["size"]))
        replies: dict[str, list[Reply]] = {}
        for x in self.session.execute(select(feedback_replies).where(r_.feedback_id.in_(ids))
                                      .order_by(r_.created_at, r_.reply_id)).mappings():
            replies.setdefault(x["feedback_id"], []).append(Reply(
                reply_id=x["reply_id"], text=x["text"], staff_id=x["staff_id"], created_at=x["created_at"]))
        return [Feedback(
            feedback_id=r["feedback_id"], number=r["number"], topic=r["topic"], text=r["text"], status=r["status"],
            created_at=r["created_at"], updated_at=r["updated_at"], idempotency_key=r["idempotency_key"],
            author=Author(user_id=r["user_id"], account_id=r["account_id"], name=r["name"], email=r["email"],
                          phone=r["phone"], address=r["address"]),
            attachments=tuple(files.get(r["feedback_id"], ())), replies=tuple(replies.get(r["feedback_id"], ())),
        ) for r in rows]

    def account_of_user(self, user_id: str, account_id: str) -> bool:
        """Whether the account is bound to the user (notify's projection of accounts' bindings)."""
        return self.session.execute(select(account_users.c.account_id).where(
            account_users.c.user_id == user_id, account_users.c.account_id == account_id)).first() is not None
