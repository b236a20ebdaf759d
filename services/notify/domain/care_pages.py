"""Pages of the customer-care lists (news, feedback): keyset cursors over (a moment, an id), compact and opaque."""

from __future__ import annotations

import datetime as dt
import uuid

from kit.errors import InvalidInput

DEFAULT_PAGE = 20
MAX_PAGE = 100
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def page_size(requested: int) -> int:
    """20 by default, at most 100."""
    return min(max(requested or DEFAULT_PAGE, 1), MAX_PAGE)


def cursor_of(moment: dt.datetime, item_id: str) -> str:
    """The cursor after an item: its moment (microseconds since 1970, base 36) and its id (the uuid's hex)."""
    n, digits = (moment - EPOCH) // dt.timedelta(microseconds=1), ""
    while True:
        n, rest = divmod(n, 36)
        digits = DIGITS[rest] + digits
        if not n:
            return f"{digits}.{uuid.UUID(item_id).hex}"


def parse_cursor(token: str) -> tuple[dt.datetime, str] | None:
    """(moment, id) of a cursor; None for the first page; `invalid_cursor` when it is not one of ours."""
    if not token:
        return None
    try:
        moment, item_id = token.split(".")
        return EPOCH + dt.timedelta(microseconds=int(moment, 36)), str(uuid.UUID(hex=item_id))
    except (ValueError, TypeError, OverflowError):
        raise InvalidInput("Ссылка на страницу устарела: откройте список заново.", code="invalid_cursor",
                           fields={"cursor": "Неверная ссылка на страницу."}) from None


def next_cursor(found: list, limit: int, key) -> str:
    """The cursor of the page after `found[:limit]` ("" when `found` — fetched with limit + 1 — has no more)."""
    if len(found) <= limit:
        return ""
    return cursor_of(*key(found[limit - 1]))
