"""Service requests (заявки на электромонтажные и сантехнические работы) and reports of
errors in meter data: what a request is and how its status may move."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kit.errors import InvalidInput, Rejected

CUSTOMER_TYPES = ("electrical", "plumbing")
METER_DATA = "meter_data"  # "Сообщить об ошибке в данных счётчика"
TYPES = (*CUSTOMER_TYPES, METER_DATA)
STATUSES = ("new", "accepted", "in_progress", "done", "cancelled")
DESCRIPTION_MAX = 2000

# status -> statuses staff may move it to
STAFF_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("accepted", "cancelled"),
    "accepted": ("in_progress", "cancelled"),
    "in_progress": ("done", "cancelled"),
    "done": (),
    "cancelled": (),
}
STATUS_TITLES = {"new": "новая", "accepted": "принята", "in_progress": "в работе", "done": "выполнена",
                 "cancelled": "отменена"}


@dataclass(frozen=True)
class StatusChange:
    status: str
    comment: str
    actor: str  # "customer" | "staff"
    at: dt.datetime


@dataclass(frozen=True)
class ServiceRequest:
    request_id: str
    user_id: str
    account_id: str
    account_number: str
    type: str
    description: str
    address: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    preferred_from: dt.datetime | None = None
    preferred_to: dt.datetime | None = None
    meter_id: str = ""
    history: tuple[StatusChange, ...] = field(default=())


def description(text: str) -> str:
    text = (text or "").strip()
    if not text or len(text) > DESCRIPTION_MAX:
        raise InvalidInput(code="invalid_description",
                           fields={"description": f"Опишите заявку: от 1 до {DESCRIPTION_MAX} символов."})
    return text


def customer_type(value: str) -> str:
    if value not in CUSTOMER_TYPES:
        raise InvalidInput(code="invalid_request_type",
                           fields={"type": "Тип заявки: electrical (электромонтажные) или plumbing (сантехнические)."})
    return value


def preferred_window(start: dt.datetime | None, end: dt.datetime | None, now: dt.datetime) -> None:
    """The customer's preferred time, when given: in the future, start before end."""
    if start is None and end is None:
        return
    if start is None or end is None or start >= end:
        raise InvalidInput(code="invalid_preferred_time",
                           fields={"preferred_from": "Укажите начало и конец удобного времени (начало раньше конца)."})
    if end <= now:
        raise InvalidInput(code="invalid_preferred_time",
                           fields={"preferred_to": "Удобное время должно быть в будущем."})


def customer_can_cancel(status: str) -> None:
    if status != "new":
        raise Rejected(f"Заявку можно отменить, только пока она новая (сейчас: {STATUS_TITLES[status]}).",
                       code="request_status")


def staff_transition(current: str, target: str) -> None:
    if target not in STATUSES:
        raise InvalidInput(code="invalid_status", fields={"status": f"Статус: один из {', '.join(STATUSES)}."})
    if target not in STAFF_TRANSITIONS[current]:
        raise Rejected(f"Заявку в статусе «{STATUS_TITLES[current]}» нельзя перевести в «{STATUS_TITLES[target]}».",
                       code="request_status")
