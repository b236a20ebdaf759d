"""The in-app inbox (колокольчик): reading it a page at a time, the unread count, marking read.

Messages are written by the catalogue (service_layer/notifications.py:notify_many). Each use case opens its own
transaction. Another user's message is not found, exactly like one that does not exist.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from kit.errors import InvalidInput, NotFound
from kit.ids import is_uuid
from services.notify.domain.model import InboxMessage

PAGE_DEFAULT, PAGE_MAX = 20, 200
NOT_FOUND = "Уведомление не найдено."


@dataclass(frozen=True)
class Page:
    messages: list[InboxMessage]
    next_page_token: str  # "" on the last page
    unread_count: int


def list_inbox(uow, *, user_id: str, limit: int) -> list[InboxMessage]:
    with uow:
        return uow.inbox.list_for_user(user_id, limit)


def list_page(uow, *, user_id: str, limit: int = 0, page_token: str = "", unread_only: bool = False) -> Page:
    """Newest first; the token of the next page is the last message's place (keyset), so new messages arriving
    meanwhile never make a page repeat or skip one."""
    limit = min(max(limit or PAGE_DEFAULT, 1), PAGE_MAX)
    after = _decode(page_token) if page_token else None
    with uow:
        messages = uow.inbox.page(user_id, limit + 1, after, unread_only=unread_only)
        unread = uow.inbox.unread_count(user_id)
    more = len(messages) > limit
    messages = messages[:limit]
    return Page(messages, _encode(messages[-1]) if more else "", unread)


def unread_count(uow, *, user_id: str) -> int:
    with uow:
        return uow.inbox.unread_count(user_id)


def mark_read(uow, *, user_id: str, message_id: str, now: dt.datetime | None = None) -> int:
    """Marks one of the user's messages read (again: nothing changes); the unread count after it."""
    with uow:
        if not is_uuid(message_id) or not uow.inbox.mark_read(user_id, message_id, now or dt.datetime.now(dt.UTC)):
            raise NotFound(NOT_FOUND, code="notification_not_found")
        unread = uow.inbox.unread_count(user_id)
        uow.commit()
    return unread


def mark_all_read(uow, *, user_id: str, now: dt.datetime | None = None) -> int:
    """Marks every message of the user read; how many were unread."""
    with uow:
        marked = uow.inbox.mark_all_read(user_id, now or dt.datetime.now(dt.UTC))
        uow.commit()
    return marked


def _encode(last: InboxMessage) -> str:
    return base64.urlsafe_b64encode(f"{last.created_at.isoformat()}|{last.message_id}".encode()).decode()


def _decode(token: str) -> tuple[dt.datetime, str]:
    try:
        at, message_id = base64.urlsafe_b64decode(token.encode()).decode().split("|")
        moment = dt.datetime.fromisoformat(at)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        moment, message_id = None, ""
    if moment is None or moment.tzinfo is None or not is_uuid(message_id):
        raise InvalidInput("Неверная ссылка на страницу уведомлений.", code="invalid_page_token",
                           fields={"cursor": "Начните с первой страницы."})
    return moment, message_id
