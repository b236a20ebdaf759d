"""Staff review of flagged readings: a reading a customer confirmed despite the plausibility question carries
`flag_reason`; staff accept it (it leaves the queue, the flag stays as history) or reject it (status "rejected":
no longer counted, its preliminary charge reversed). docs/readings.md, "Review of flagged readings"."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from kit.errors import InvalidInput, Rejected
from services.readings.domain import model
from services.readings.domain.corrections import MONTHS

ACCEPT, REJECT = "accept", "reject"                    # the decisions staff send
ACCEPTED, REJECTED = "accepted", "rejected"            # what the reading's `review` then says
PENDING = "pending"                                    # the queue: flagged, not reviewed, still counted
QUEUE_STATUSES = (PENDING, ACCEPTED, REJECTED)         # the list's `status` filter: the review's


def decision(text: str) -> str:
    if text not in (ACCEPT, REJECT):
        raise InvalidInput("Решение — accept или reject.", code="invalid_decision",
                           fields={"decision": "Принять (accept) или отклонить (reject)."})
    return text


def queue_status(text: str) -> str:
    """The list's filter: the review's status, "pending" by default."""
    if text and text not in QUEUE_STATUSES:
        raise InvalidInput(fields={"status": "pending, accepted или rejected."})
    return text or PENDING


def reason_to_reject(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Укажите причину, по которой показания отклонены: её увидит клиент.",
                           code="reason_required", fields={"reason": "Укажите причину отклонения."})
    return reason


def check_reviewable(reading: model.Reading) -> None:
    """Both decisions: only a flagged reading, once, and not one a correction replaced."""
    if reading.flag_reason is None:
        raise Rejected("Эти показания не отмечены для проверки.", code="reading_not_flagged")
    if reading.reviewed_at is not None:
        raise Rejected("Решение по этим показаниям уже принято.", code="reading_reviewed")
    if reading.status == model.SUPERSEDED:
        raise Rejected("Эти показания уже исправлены: проверьте исправленные.", code="reading_superseded")


def check_rejectable(reading: model.Reading, latest: model.Reading | None) -> None:
    """A rejection takes the reading out of the consumption: only while its period is not billed, and only the
    meter's last counted reading (one in the middle would change the consumption of the next)."""
    if reading.status == model.BILLED:
        period = f"{MONTHS[reading.period.month - 1]} {reading.period.year}" if reading.period else "этот период"
        raise Rejected(f"Показания за {period} уже учтены в начислении, отклонить их нельзя: исправьте начисление "
                       "перерасчётом.", code="reading_billed")
    if latest is None or latest.reading_id != reading.reading_id:
        raise Rejected("Отклонить можно только последние показания счётчика: после них переданы другие.",
                       code="not_latest_reading")


def reviewed(reading: model.Reading, decided: str, *, reason: str, staff_id: str, now: dt.datetime) -> model.Reading:
    """The reading with staff's decision: accepted (clears the queue, keeps the flag) or rejected (not counted)."""
    if decided == REJECT:
        return replace(reading, status=model.REJECTED, review=REJECTED, review_reason=reason_to_reject(reason),
                       reviewed_at=now, reviewed_by=staff_id)
    return replace(reading, review=ACCEPTED, review_reason=(reason or "").strip() or None, reviewed_at=now,
                   reviewed_by=staff_id)


def refuse_rejected_correction(old: model.Reading) -> None:
    """A rejected reading is not corrected: it no longer counts, a new reading is submitted instead."""
    if old.status == model.REJECTED:
        raise Rejected("Эти показания отклонены поставщиком: передайте новые показания.", code="reading_rejected")
