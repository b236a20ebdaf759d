"""«Новости»: news items staff write per supplier (or for every supplier) and audience, and who may read them.

The body is plain text: paragraphs split by an empty line, no HTML (a tag is refused, so nothing pasted from a
web page is shown as markup); clients show an http(s):// address in the text as a link."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from kabinet_vocabulary import NEWS_AUDIENCE, NEWS_STATUS

from kit.errors import Conflict, InvalidInput

ALL, HOUSEHOLDS, LEGAL = NEWS_AUDIENCE.ALL, NEWS_AUDIENCE.HOUSEHOLDS, NEWS_AUDIENCE.LEGAL
DRAFT, PUBLISHED, WITHDRAWN = NEWS_STATUS.DRAFT, NEWS_STATUS.PUBLISHED, NEWS_STATUS.WITHDRAWN
TITLE_MAX = 200
BODY_MAX = 20000
SUMMARY_MAX = 300
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?\s*>")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class NewsItem:
    """Новость."""

    news_id: str
    supplier_id: str | None  # None: for every supplier
    audience: str
    title: str
    body: str
    status: str
    published_at: dt.datetime | None
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def paragraphs(self) -> list[str]:
        return paragraphs(self.body)


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: split by an empty line, each stripped, single line breaks kept."""
    return [p.strip() for p in PARAGRAPH_BREAK.split(body.replace("\r\n", "\n")) if p.strip()]


def summary(body: str) -> str:
    """The lead of a news item for SMS and e-mail announcements: its first paragraph, at most 300 characters."""
    first = (paragraphs(body) or [""])[0].replace("\n", " ")
    return first if len(first) <= SUMMARY_MAX else first[:SUMMARY_MAX - 1].rstrip() + "…"


def draft(news_id: str, *, supplier_id: str | None, audience: str, title: str, body: str,
          published_at: dt.datetime | None, created_by: str, now: dt.datetime) -> NewsItem:
    """A new draft, its fields checked."""
    return NewsItem(news_id=news_id, supplier_id=supplier_id, created_by=created_by, created_at=now, updated_at=now,
                    status=DRAFT, **_content(audience, title, body, published_at, now))


def edit(item: NewsItem, *, supplier_id: str | None, audience: str, title: str, body: str,
         published_at: dt.datetime | None, now: dt.datetime) -> NewsItem:
    """Only a draft is edited: what customers read does not change under them."""
    if item.status != DRAFT:
        raise Conflict("Изменить можно только черновик.", code="news_not_draft")
    return dataclasses.replace(item, supplier_id=supplier_id, updated_at=now,
                               **_content(audience, title, body, published_at, now))


def publish(item: NewsItem, now: dt.datetime) -> tuple[NewsItem, bool]:
    """(the item, whether it was published now): a draft becomes published, dated `published_at` if staff gave
    one, else now; publishing a published item again changes nothing (so it is announced once); a withdrawn
    item stays withdrawn (write a new one)."""
    if item.status == PUBLISHED:
        return item, False
    if item.status == WITHDRAWN:
        raise Conflict("Новость снята с публикации; опубликуйте новую.", code="news_withdrawn")
    return dataclasses.replace(item, status=PUBLISHED, published_at=item.published_at or now, updated_at=now), True


def withdraw(item: NewsItem, now: dt.datetime) -> NewsItem:
    """A published item is hidden from customers; withdrawing it again changes nothing; a draft is not shown."""
    if item.status == DRAFT:
        raise Conflict("Черновик не опубликован.", code="news_not_published")
    if item.status == WITHDRAWN:
        return item
    return dataclasses.replace(item, status=WITHDRAWN, updated_at=now)


def _content(audience: str, title: str, body: str, published_at: dt.datetime | None, now: dt.datetime) -> dict:
    audience = audience or ALL
    title, body = title.strip(), body.strip()
    problems = {}
    if audience not in NEWS_AUDIENCE:
        problems["audience"] = "Выберите: все потребители, физические или юридические лица."
    if not title or len(title) > TITLE_MAX or "\n" in title:
        problems["title"] = f"Заголовок — одна строка, от 1 до {TITLE_MAX} символов."
    if not body or len(body) > BODY_MAX:
        problems["body"] = f"Текст — от 1 до {BODY_MAX} символов."
    for name, value in (("title", title), ("body", body)):
        if HTML_TAG.search(value):
            problems[name] = "Без HTML: обычный текст, абзацы — через пустую строку, ссылки — просто адресом."
    if published_at is not None and published_at > now:
        problems["published_at"] = "Дата публикации не может быть в будущем."
    if problems:
        raise InvalidInput("Проверьте новость.", code="invalid_news", fields=problems)
    return dict(audience=audience, title=title, body=body, published_at=published_at)


# --- who reads what -----------------------------------------------------------------------------------------

def is_legal(category: str) -> bool:
    """A legal entity's account: category "legal" or "legal_…"."""
    return category == "legal" or category.startswith("legal_")


@dataclass(frozen=True)
class Reader:
    """Who reads the news: the (supplier, audience) of each of their accounts, and the audiences they belong
    to (for the news for every supplier). Without a cabinet: everyone's news of `supplier_id` only."""

    pairs: frozenset[tuple[str, str]] = frozenset()
    audiences: frozenset[str] = frozenset()
    public_supplier: str | None = None  # without a cabinet: None = the news for every supplier

    @property
    def suppliers(self) -> frozenset[str]:
        return frozenset(s for s, _ in self.pairs)

    @property
    def signed_in(self) -> bool:
        return bool(self.audiences)


def reader(accounts: list[tuple[str, str]], kind: str) -> Reader:
    """A signed-in reader from their accounts' (supplier, category): legal entities the legal ones, households
    the others; with no account yet the cabinet's kind decides (an organization's is legal)."""
    pairs = frozenset((supplier, LEGAL if is_legal(category) else HOUSEHOLDS) for supplier, category in accounts)
    audiences = frozenset(a for _, a in pairs) or frozenset({LEGAL if kind == "organization" else HOUSEHOLDS})
    return Reader(pairs=pairs, audiences=audiences)


def visible_to(item: NewsItem, who: Reader, now: dt.datetime) -> bool:
    """Published, dated not after now, and for the reader: news for every customer of a supplier of theirs (or
    of every supplier); news for an audience only to that audience of that supplier (or of every supplier).
    Without a cabinet: only the news for everyone. (The store's query says the same in SQL.)"""
    if item.status != PUBLISHED or item.published_at is None or item.published_at > now:
        return False
    if not who.signed_in:
        return item.audience == ALL and item.supplier_id in (None, who.public_supplier)
    if item.supplier_id is None:
        return item.audience == ALL or item.audience in who.audiences
    if item.audience == ALL:
        return item.supplier_id in who.suppliers
    return (item.supplier_id, item.audience) in who.pairs
