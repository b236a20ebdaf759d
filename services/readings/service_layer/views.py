"""What a customer reads: the reading history of an account, by meter and period, a page at a time."""

from __future__ import annotations

import datetime as dt
import uuid

from kit.errors import InvalidInput
from kit.ids import is_uuid
from services.readings.domain import model
from services.readings.domain.windows import parse_period
from services.readings.service_layer.accounts import AccountsPort, allowed_account

DEFAULT_PAGE = 20
MAX_PAGE = 200
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def page_size(requested: int) -> int:
    """20 by default, at most 200."""
    return min(max(requested or DEFAULT_PAGE, 1), MAX_PAGE)


def list_readings(uow, accounts: AccountsPort, *, user_id: str, account_id: str, limit: int,
                  meter_id: str = "", period: str = "", page_token: str = "") -> tuple[list[model.Reading], str]:
    """Newest first (corrections before what they corrected), filtered by meter and period; the page and the
    token of the next one ("" on the last)."""
    wanted = period_filter(period)
    if meter_id and not is_uuid(meter_id):
        raise InvalidInput("Счётчик не найден.", code="invalid_meter", fields={"meter_id": "Выберите счётчик."})
    after = page_cursor(page_token, moments=2, reopen="историю")
    with uow:
        allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        found = uow.readings.list_for_account(account_id, limit + 1, meter_id=meter_id or None, period=wanted,
                                              after=after)
    page = found[:limit]
    return page, page_token_of(page[-1].taken_at, page[-1].created_at, reading_id=page[-1].reading_id) \
        if len(found) > limit else ""


def period_filter(period: str) -> dt.date | None:
    """"" -> no filter; "YYYY-MM" -> the month's first day; anything else `invalid_period`."""
    wanted = parse_period(period) if period else None
    if period and wanted is None:
        raise InvalidInput("Период — в виде ГГГГ-ММ.", code="invalid_period", fields={"period": "Например, 2026-11."})
    return wanted


def page_token_of(*moments: dt.datetime, reading_id: str) -> str:
    """A keyset page token: the last reading's moments and id, compact (microseconds in base 36, the uuid's hex)."""
    return ".".join((*(_b36(m) for m in moments), uuid.UUID(reading_id).hex))


def page_cursor(token: str, *, moments: int, reopen: str) -> tuple | None:
    """The (moments…, reading_id) of a page token; `invalid_page_token` (open `reopen` again) if it is not one."""
    if not token:
        return None
    try:
        *times, reading_id = token.split(".")
        if len(times) != moments:
            raise ValueError(token)
        return (*(_moment(t) for t in times), str(uuid.UUID(hex=reading_id)))
    except (ValueError, TypeError, OverflowError):
        raise InvalidInput(f"Ссылка на страницу устарела: откройте {reopen} заново.", code="invalid_page_token",
                           fields={"page_token": "Неверная ссылка на страницу."}) from None


def _b36(moment: dt.datetime) -> str:
    n, digits = (moment - EPOCH) // dt.timedelta(microseconds=1), ""
    while True:
        n, rest = divmod(n, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
        if not n:
            return digits


def _moment(text: str) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=int(text, 36))
