"""Corrections («ошибочные показания»): the last reading of a meter, while its period is not billed, is
replaced by a new one; the old one stays in the history as superseded, the new one names it (`corrects`)."""

from __future__ import annotations

from dataclasses import replace

from kit.errors import InvalidInput, Rejected
from services.readings.domain import model

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь")
# A customer corrects what people typed; the supplier's readings (registry, АИИС КУЭ) only staff.
CUSTOMER_CORRECTABLE = (*model.TYPED_SOURCES, model.STAFF)


def check_correctable(old: model.Reading, latest: model.Reading | None, *, by_staff: bool) -> None:
    """Refuse a correction of a reading that is billed, already corrected or not the meter's last one."""
    if old.status == model.BILLED:
        period = f"{MONTHS[old.period.month - 1]} {old.period.year}" if old.period else "этот период"
        raise Rejected(f"Показания за {period} уже учтены в начислении, исправить их нельзя. Передайте "
                       "следующие показания — расход пересчитается по ним, или обратитесь к поставщику "
                       "для перерасчёта.", code="reading_billed")
    if old.status == model.SUPERSEDED:
        raise Rejected("Эти показания уже исправлены: исправьте последние.", code="reading_superseded")
    if old.status != model.ACCEPTED or (not by_staff and old.source not in CUSTOMER_CORRECTABLE):
        raise Rejected("Эти показания поступили от поставщика, исправить их может только поставщик.",
                       code="reading_not_correctable")
    if latest is None or latest.reading_id != old.reading_id:
        raise Rejected("Исправить можно только последние показания счётчика.", code="not_latest_reading")


def staff_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Укажите причину исправления.", code="reason_required",
                           fields={"reason": "Укажите причину исправления."})
    return reason


def corrected(old: model.Reading, new: model.Reading, *, reason: str | None = None) -> model.Reading:
    """The new reading in the old one's place: the same moment and period, linked to it."""
    return replace(new, taken_at=old.taken_at, period=old.period, corrects=old.reading_id, reason=reason)
