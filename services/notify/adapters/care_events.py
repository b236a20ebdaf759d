"""Customer care's facts as events: notify.news.published."""

from __future__ import annotations

import uuid

from kabinet.notify.v1.notify_pb2 import NewsPublished

from kit.events import Event
from services.notify.domain import news

NEWS_PUBLISHED = "notify.news.published"


def news_published(item: news.NewsItem) -> Event:
    """A published item; the event's id follows from the item, so even a second emit is the same event."""
    event_id = str(uuid.uuid5(uuid.UUID(item.news_id), "published"))
    return Event(type=NEWS_PUBLISHED, aggregate_id=item.news_id, id=event_id,
                 payload=NewsPublished(news_id=item.news_id, supplier_id=item.supplier_id or "",
                                       audience=item.audience, title=item.title, summary=news.summary(item.body)))
