"""Meter data (прибор учёта): number, model, tariff zones, digits, КТ, verification date.

`check_meter_data` is the one check of these values: a staff correction and a
registry row go through it and are refused with the same messages.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from kabinet_vocabulary import ZONE

from kit.errors import InvalidInput
from services.accounts.domain.validation import FieldErrors

NUMBER_MAX = 40
MODEL_MAX = 200
# how many tariff zones a meter may have: the counts kabinet_vocabulary.ZONE names zones for (1, 2, 3)
ZONE_COUNTS = tuple(n for n in range(1, len(ZONE) + 1) if ZONE.of_meter(n))
DIGITS = range(4, 10)      # digits before the decimal point (roll-over): 4 to 9
RATIO_PLACES = 4
RATIO_BELOW = Decimal(10) ** 8
REASON = (3, 500)

MESSAGES = {
    "number": f"Номер счётчика: от 1 до {NUMBER_MAX} символов.",
    "model": f"Модель: от 1 до {MODEL_MAX} символов.",
    "zones": f"Число тарифных зон: {', '.join(map(str, ZONE_COUNTS[:-1]))} или {ZONE_COUNTS[-1]}.",
    "digits": f"Разрядность: от {DIGITS[0]} до {DIGITS[-1]}.",
    "ratio": "КТ: положительное число меньше 100 000 000, не больше 4 знаков после запятой.",
    "verification_due": "Дата поверки в формате ГГГГ-ММ-ДД.",
}


def check_meter_data(*, number: str | None = None, model: str | None = None, zones: int | str | None = None,
                     digits: int | str | None = None, ratio: str | None = None,
                     verification_due: str | dt.date | None = None) -> dict:
    """The given values (None: not given), cleaned: number and model trimmed, zones and digits int,
    ratio Decimal, verification_due a date or None ("" clears it). Zones and digits may come as text
    (a registry column). Refused with "invalid_meter_data" and a message per bad field."""
    out: dict = {}
    errors: dict[str, str] = {}
    given = {"number": number, "model": model, "zones": zones, "digits": digits, "ratio": ratio,
             "verification_due": verification_due}
    for name, value in given.items():
        if value is None:
            continue
        cleaned = CLEANERS[name](value)
        if cleaned is _BAD:
            errors[name] = MESSAGES[name]
        else:
            out[name] = cleaned
    if errors:
        raise InvalidInput(code="invalid_meter_data", fields=errors)
    return out


_BAD = object()


def _text(most: int):
    def clean(value: str):
        value = (value or "").strip()
        return value if 1 <= len(value) <= most else _BAD
    return clean


def _whole(allowed):
    def clean(value: int | str):
        if isinstance(value, str):
            value = int(value) if re.fullmatch(r"\s*\d{1,3}\s*", value) else None
        return value if isinstance(value, int) and not isinstance(value, bool) and value in allowed else _BAD
    return clean


def _ratio(text: str):
    """КТ: a positive decimal below 10^8 with up to 4 places; a comma works as the decimal point."""
    try:
        value = Decimal(re.sub(r"\s", "", text or "").replace(",", "."))
        ok = value.is_finite() and 0 < value < RATIO_BELOW and value == value.quantize(Decimal(10) ** -RATIO_PLACES)
    except InvalidOperation:
        return _BAD
    return value if ok else _BAD


def _due(value: str | dt.date):
    if isinstance(value, dt.date):
        return value
    if value == "":
        return None
    try:
        return dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _BAD
    except ValueError:
        return _BAD


CLEANERS = {"number": _text(NUMBER_MAX), "model": _text(MODEL_MAX), "zones": _whole(ZONE_COUNTS),
            "digits": _whole(DIGITS), "ratio": _ratio, "verification_due": _due}


# --- staff corrections (the billing system stays the master: the next registry import wins) ---

NOTHING_TO_CORRECT = "Укажите, что исправить."


def correction_reason(reason: str) -> str:
    """Why staff correct a meter: it goes to the audit log."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(code="reason_required", fields={"reason": "Укажите причину исправления."})
    if not REASON[0] <= len(reason) <= REASON[1]:
        raise InvalidInput(code="invalid_reason",
                           fields={"reason": f"Причина исправления: от {REASON[0]} до {REASON[1]} символов."})
    return reason


def meter_correction(*, reason: str, **changes) -> tuple[dict, str]:
    """(the validated columns a staff correction changes, its reason); every mistake reported at once."""
    errors = FieldErrors()
    reason = errors.check(correction_reason, reason)
    values = errors.check(check_meter_data, **changes)
    if values == {}:
        errors.check(_something, NOTHING_TO_CORRECT, "nothing_to_correct")
    errors.raise_any()
    return values, reason


def _something(message: str, code: str) -> None:
    raise InvalidInput(message, code=code, fields={"_": message})
