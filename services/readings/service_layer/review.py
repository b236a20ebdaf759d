"""Staff review of flagged readings: the queue, and a decision per reading (accept, or reject with a reason)."""

from __future__ import annotations

import datetime as dt
import uuid

from kit.errors import InvalidInput, NotFound
from kit.ids import is_uuid
from services.readings.adapters.review_events import reading_rejected
from services.readings.domain import review
from services.readings.domain.model import Reading
from services.readings.domain.windows import parse_period
from services.readings.service_layer.submission import require_staff
from services.readings.service_layer.views import _b36, _moment, page_size


def list_flagged(uow, caller, *, supplier_id: str = "", period: str = "", status: str = "", size: int = 0,
                 page_token: str = "") -> tuple[list[Reading], str]:
    """The review queue (roles admin, operator): flagged readings by the review's status — pending by default —,
    supplier and period, oldest stored first; the page and the next page's token ("" on the last)."""
    require_staff(caller)
    status = review.queue_status(status)
    if supplier_id and not is_uuid(supplier_id):
        raise InvalidInput(fields={"supplier_id": "Неверный идентификатор."})
    month = parse_period(period) if period else None
    if period and month is None:
        raise InvalidInput("Период — в виде ГГГГ-ММ.", code="invalid_period", fields={"period": "Например, 2026-11."})
    limit = page_size(size)
    with uow:
        found = uow.review.flagged(status=status, limit=limit + 1, supplier_id=supplier_id, period=month,
                                   after=_cursor(page_token))
    page = found[:limit]
    return page, _token(page[-1]) if len(found) > limit else ""


def review_reading(uow, caller, *, reading_id: str, decision: str, reason: str,
                   now: dt.datetime | None = None) -> Reading:
    """Staff decide on a flagged reading; audited. Accept: it leaves the queue. Reject (with a reason): it is
    rejected — no longer counted — and readings.reading.rejected goes out in the same transaction (payments
    reverses the preliminary charge, notify tells the customer)."""
    require_staff(caller)
    decided = review.decision(decision)
    if decided == review.REJECT:
        review.reason_to_reject(reason)
    with uow:
        found = uow.readings.get(reading_id) if is_uuid(reading_id) else None
        if found is None:
            raise NotFound("Показания не найдены.", code="reading_not_found")
        uow.readings.lock_meter(found.meter_id)  # as submissions and corrections of the meter: one at a time
        old = uow.review.lock(reading_id)
        review.check_reviewable(old)
        if decided == review.REJECT:
            review.check_rejectable(old, uow.readings.last_for_meter(old.meter_id))
        reading = review.reviewed(old, decided, reason=reason, staff_id=caller.user_id,
                                  now=now or dt.datetime.now(dt.UTC))
        uow.review.save(reading)
        if decided == review.REJECT:
            account = uow.accounts.facts(reading.account_id)
            if account is None:
                raise NotFound("Лицевой счёт не найден.", code="account_not_found")
            uow.emit(reading_rejected(reading, account))
        uow.audit.record(actor_id=caller.user_id, roles=tuple(caller.roles), action="reading.review",
                         entity="reading", entity_id=reading.reading_id,
                         before={"status": old.status, "flag_reason": old.flag_reason},
                         after={"status": reading.status, "review": reading.review,
                                "reason": reading.review_reason or ""})
        uow.commit()
    return reading


def _token(last: Reading) -> str:
    return f"{_b36(last.created_at)}.{uuid.UUID(last.reading_id).hex}"


def _cursor(token: str) -> tuple[dt.datetime, str] | None:
    if not token:
        return None
    try:
        created, reading_id = token.split(".")
        return _moment(created), str(uuid.UUID(hex=reading_id))
    except (ValueError, TypeError, OverflowError):
        raise InvalidInput("Ссылка на страницу устарела: откройте очередь заново.", code="invalid_page_token",
                           fields={"page_token": "Неверная ссылка на страницу."}) from None
