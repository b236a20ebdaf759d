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
    wanted = parse_period(period) if period else None
    if period and wanted is None:
        raise InvalidInput("Период — в виде ГГГГ-ММ.", code="invalid_period", fields={"period": "Например, 2026-11."})
    if meter_id and not is_uuid(meter_id):
        raise InvalidInput("Счётчик не найден.", code="invalid_meter", fields={"meter_id": "Выберите счётчик."})
    after = _cursor(page_token)
    with uow:
        allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        found = uow.readings.list_for_account(account_id, limit + 1, meter_id=meter_id or None, period=wanted,
                                              after=after)
    page = found[:limit]
    return page, _token(page[-1]) if len(found) > limit else ""


def _token(last: model.Reading) -> str:
    """The last reading's (taken_at, created_at, reading_id), compact: microseconds in base 36 and the uuid's hex."""
    return ".".join((_b36(last.taken_at), _b36(last.created_at), uuid.UUID(last.reading_id).hex))


def _cursor(token: str) -> tuple | None:
    if not token:
        return None
    try:
        taken, created, reading_id = token.split(".")
        return _moment(taken), _moment(created), str(uuid.UUID(hex=reading_id))
    except (ValueError, TypeError, OverflowError):
        raise InvalidInput("Ссылка на страницу устарела: откройте историю заново.", code="invalid_page_token",
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
