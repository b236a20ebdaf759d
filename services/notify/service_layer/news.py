"""«Новости»: customers read the news for them; staff write drafts, publish (announced once through
notify.news.published) and withdraw."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from kabinet_vocabulary import NEWS_STATUS

from kit.context import Caller
from kit.errors import InvalidInput, NotFound
from kit.ids import is_uuid
from services.notify.adapters import care_events
from services.notify.domain import care_pages, news
from services.notify.service_layer.care import READERS, WRITERS, audit, moment, staff_member, supplier

NOT_FOUND = "Новость не найдена."


def reader_of(uow, caller: Caller | None, supplier_id: str) -> news.Reader:
    """A customer reads as their accounts make them; without a cabinet, `supplier_id`'s news for everyone."""
    if caller is None or caller.kind == "staff":
        return news.Reader(public_supplier=supplier(supplier_id))
    return news.reader(uow.news.reader_accounts(caller.user_id), caller.kind)


def list_news(uow, caller: Caller | None, *, supplier_id: str = "", page_size: int = 0, cursor: str = "",
              now: dt.datetime | None = None) -> tuple[list[news.NewsItem], str]:
    """The news the reader may read, newest first; (page, next cursor)."""
    limit, after = care_pages.page_size(page_size), care_pages.parse_cursor(cursor)
    with uow:
        found = uow.news.readable(reader_of(uow, caller, supplier_id), now or _now(), limit + 1, after)
    return found[:limit], care_pages.next_cursor(found, limit, lambda n: (n.published_at, n.news_id))


def get_news(uow, caller: Caller | None, news_id: str, *, now: dt.datetime | None = None) -> news.NewsItem:
    """One item the reader may read; a draft, a withdrawn item or another audience's: the same NOT_FOUND."""
    with uow:
        item = uow.news.get(news_id) if is_uuid(news_id) else None
        if item is None or not news.visible_to(item, reader_of(uow, caller, item.supplier_id or ""), now or _now()):
            raise NotFound(NOT_FOUND, code="news_not_found")
    return item


def staff_list_news(uow, caller: Caller | None, *, supplier_id: str = "", status: str = "", page_size: int = 0,
                    cursor: str = "") -> tuple[list[news.NewsItem], str]:
    """Every item (drafts too), newest first: admins and operators."""
    staff_member(caller, READERS)
    if status and status not in NEWS_STATUS:
        raise InvalidInput("Неизвестный статус.", code="invalid_status", fields={"status": "Выберите статус."})
    wanted = "all" if supplier_id == "all" else supplier(supplier_id) or ""
    limit, after = care_pages.page_size(page_size), care_pages.parse_cursor(cursor)
    with uow:
        found = uow.news.for_staff(supplier_id=wanted, status=status, limit=limit + 1, after=after)
    return found[:limit], care_pages.next_cursor(found, limit, lambda n: (n.created_at, n.news_id))


def create_news(uow, caller: Caller | None, *, supplier_id: str, audience: str, title: str, body: str,
                published_at: str = "", now: dt.datetime | None = None) -> news.NewsItem:
    """A new draft (admins); audited."""
    staff = staff_member(caller, WRITERS)
    now = now or _now()
    item = news.draft(str(uuid.uuid4()), supplier_id=supplier(supplier_id), audience=audience, title=title,
                      body=body, published_at=moment(published_at, "published_at"), created_by=staff.user_id,
                      now=now)
    with uow:
        uow.news.add(item)
        audit(uow, staff, "news.create", "news", item.news_id, after=_audited(item))
        uow.commit()
    return item


def update_news(uow, caller: Caller | None, news_id: str, *, supplier_id: str, audience: str, title: str,
                body: str, published_at: str = "", now: dt.datetime | None = None) -> news.NewsItem:
    """A draft edited (admins); audited."""
    staff = staff_member(caller, WRITERS)
    wanted_supplier, when = supplier(supplier_id), moment(published_at, "published_at")
    with uow:
        old = _staff_item(uow, news_id)
        item = news.edit(old, supplier_id=wanted_supplier, audience=audience, title=title, body=body,
                         published_at=when, now=now or _now())
        uow.news.save(item)
        audit(uow, staff, "news.update", "news", news_id, before=_audited(old), after=_audited(item))
        uow.commit()
    return item


def publish_news(uow, caller: Caller | None, news_id: str, *, now: dt.datetime | None = None) -> news.NewsItem:
    """Publish a draft (admins): customers read it and it is announced once (notify.news.published through the
    outbox); publishing it again changes nothing. Audited."""
    staff = staff_member(caller, WRITERS)
    with uow:
        item, published = news.publish(_staff_item(uow, news_id), now or _now())
        if published:
            uow.news.save(item)
            uow.emit(care_events.news_published(item))
            audit(uow, staff, "news.publish", "news", news_id, after=_audited(item))
            uow.commit()
    return item


def withdraw_news(uow, caller: Caller | None, news_id: str, *, now: dt.datetime | None = None) -> news.NewsItem:
    """Hide a published item from customers (admins); audited."""
    staff = staff_member(caller, WRITERS)
    with uow:
        old = _staff_item(uow, news_id)
        item = news.withdraw(old, now or _now())
        if item is not old:
            uow.news.save(item)
            audit(uow, staff, "news.withdraw", "news", news_id, before={"status": old.status},
                  after={"status": item.status})
            uow.commit()
    return item


def _staff_item(uow, news_id: str) -> news.NewsItem:
    item = uow.news.get(news_id, lock=True) if is_uuid(news_id) else None
    if item is None:
        raise NotFound(NOT_FOUND, code="news_not_found")
    return item


def _audited(item: news.NewsItem) -> dict:
    return {k: v for k, v in dataclasses.asdict(item).items() if k not in ("created_at", "updated_at", "body")} | {
        "body_chars": len(item.body)}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
