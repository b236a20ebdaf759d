"""Staff review of flagged readings: the queue, and a decision per reading (accept, or reject with a reason)."""

from __future__ import annotations

import datetime as dt

from kit.errors import InvalidInput, NotFound
from kit.ids import is_uuid
from services.readings.adapters.review_events import reading_rejected
from services.readings.domain import review
from services.readings.domain.model import Reading
from services.readings.service_layer.submission import require_staff
from services.readings.service_layer.views import page_cursor, page_size, page_token_of, period_filter


def list_flagged(uow, caller, *, supplier_id: str = "", period: str = "", status: str = "", size: int = 0,
                 page_token: str = "") -> tuple[list[Reading], str]:
    """The review queue (roles admin, operator): flagged readings by the review's status — pending by default —,
    supplier and period, oldest stored first; the page and the next page's token ("" on the last)."""
    require_staff(caller)
    status = review.queue_status(status)
    if supplier_id and not is_uuid(supplier_id):
        raise InvalidInput(fields={"supplier_id": "Неверный идентификатор."})
    month = period_filter(period)
    limit = page_size(size)
    with uow:
        found = uow.review.flagged(status=status, limit=limit + 1, supplier_id=supplier_id, period=month,
                                   after=page_cursor(page_token, moments=1, reopen="очередь"))
    page = found[:limit]
    return page, page_token_of(page[-1].created_at, reading_id=page[-1].reading_id) if len(found) > limit else ""


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

