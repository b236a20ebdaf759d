"""Service requests (заявки на электромонтажные и сантехнические работы) and reports of
errors in meter data: what a request must hold and how its status may move.

Types and statuses are the closed vocabularies kabinet_vocabulary.SERVICE_REQUEST_TYPE
and SERVICE_REQUEST_STATUS; which types a customer files and which moves staff make
are accounts' own rules, here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kabinet_vocabulary import SERVICE_REQUEST_STATUS, SERVICE_REQUEST_TYPE

from kit.errors import InvalidInput, Rejected
from services.accounts.domain.validation import FieldErrors, listing

METER_DATA = "meter_data"  # "Сообщить об ошибке в данных счётчика": filed by ReportMeterDataError
CUSTOMER_TYPES = ("electrical", "plumbing")  # what CreateServiceRequest files
DESCRIPTION_MAX = 2000
COMMENT_MAX = 2000

# status -> statuses staff may move it to
STAFF_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("accepted", "cancelled"),
    "accepted": ("in_progress", "cancelled"),
    "in_progress": ("done", "cancelled"),
    "done": (),
    "cancelled": (),
}
STAFF_TARGETS = tuple(s for s in SERVICE_REQUEST_STATUS.codes if any(s in t for t in STAFF_TRANSITIONS.values()))


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


@dataclass(frozen=True)
class Draft:
    """What a customer files, checked; the account and its address come from the cabinet."""

    type: str
    description: str
    preferred_from: dt.datetime | None = None
    preferred_to: dt.datetime | None = None


def customer_request(*, type: str, description: str, preferred_from: str = "", preferred_to: str = "",
                     now: dt.datetime) -> Draft:
    """A request for electrical or plumbing work; every mistake in it is reported at once.
    The preferred times are ISO 8601 texts with a time zone, "" when not given."""
    errors = FieldErrors()
    type = errors.check(customer_type, type)
    text = errors.check(request_description, description)
    window = errors.check(preferred_window, preferred_from, preferred_to, now)
    errors.raise_any()
    return Draft(type, text, *window)


def meter_data_report(text: str) -> Draft:
    return Draft(METER_DATA, request_description(text))


def request_description(text: str) -> str:
    text = (text or "").strip()
    if not text or len(text) > DESCRIPTION_MAX:
        raise InvalidInput(code="invalid_description",
                           fields={"description": f"Опишите заявку: от 1 до {DESCRIPTION_MAX} символов."})
    return text


def customer_type(value: str) -> str:
    if value not in CUSTOMER_TYPES:
        raise InvalidInput(code="invalid_request_type", fields={"type": "Тип заявки: " + listing(
            f"{code} ({SERVICE_REQUEST_TYPE.title(code).lower()})" for code in CUSTOMER_TYPES) + "."})
    return value


def preferred_window(start: str, end: str, now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The customer's preferred time, when given: both ends, start before end, end in the future."""
    errors: dict[str, str] = {}
    times = {}
    for name, text in (("preferred_from", start), ("preferred_to", end)):
        times[name] = _time(text)
        if times[name] is False:
            errors[name] = "Время в формате ISO 8601 с часовым поясом."
    start, end = times["preferred_from"], times["preferred_to"]
    if not errors and (start is None) != (end is None):
        errors["preferred_to" if end is None else "preferred_from"] = "Укажите начало и конец удобного времени."
    elif not errors and start is not None and start >= end:
        errors["preferred_to"] = "Конец интервала должен быть позже начала."
    elif not errors and end is not None and end <= now:
        errors["preferred_to"] = "Удобное время должно быть в будущем."
    if errors:
        raise InvalidInput(code="invalid_preferred_time", fields=errors)
    return start, end


def _time(text: str) -> dt.datetime | None | bool:
    """The moment, None when not given, False when it is not ISO 8601 with a time zone."""
    if not (text or "").strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return False
    return parsed if parsed.tzinfo is not None else False


def comment(text: str) -> str:
    """A comment on a status change (the customer's cancel, staff's steps): kept in the history."""
    text = (text or "").strip()
    if len(text) > COMMENT_MAX:
        raise InvalidInput(code="comment_too_long",
                           fields={"comment": f"Комментарий: не больше {COMMENT_MAX} символов."})
    return text


def customer_can_cancel(status: str) -> None:
    if status != "new":
        raise Rejected("Заявку можно отменить, только пока она новая "
                       f"(сейчас: {SERVICE_REQUEST_STATUS.title(status)}).", code="request_status")


def staff_update(status: str, text: str) -> tuple[str, str]:
    """(target status, comment) of a staff step, checked before the request is looked at."""
    errors = FieldErrors()
    status = errors.check(staff_target, status)
    text = errors.check(comment, text)
    errors.raise_any()
    return status, text


def staff_target(status: str) -> str:
    if status not in STAFF_TARGETS:
        raise InvalidInput(code="invalid_status", fields={"status": f"Статус: {listing(STAFF_TARGETS)}."})
    return status


def staff_transition(current: str, target: str) -> None:
    """new -> accepted -> in_progress -> done, or cancelled before done; nothing else."""
    staff_target(target)
    if target not in STAFF_TRANSITIONS[current]:
        raise Rejected(f"Заявку в статусе «{SERVICE_REQUEST_STATUS.title(current)}» нельзя перевести "
                       f"в «{SERVICE_REQUEST_STATUS.title(target)}».", code="request_status")


def staff_filter(*, status: str = "", type: str = "") -> None:
    """Staff's list filters, when given, name a known status and a known type."""
    errors = FieldErrors()
    if status:
        errors.check(known_status, status)
    if type:
        errors.check(known_type, type)
    errors.raise_any()


def known_status(status: str) -> str:
    if status not in SERVICE_REQUEST_STATUS:
        raise InvalidInput(code="invalid_status",
                           fields={"status": f"Статус: {listing(SERVICE_REQUEST_STATUS.codes)}."})
    return status


def known_type(type: str) -> str:
    if type not in SERVICE_REQUEST_TYPE:
        raise InvalidInput(code="invalid_request_type",
                           fields={"type": f"Тип заявки: {listing(SERVICE_REQUEST_TYPE.codes)}."})
    return type
