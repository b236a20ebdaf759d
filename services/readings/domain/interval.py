"""Interval (hourly) profiles of legal entities («первичный акт»): who may send one, in which mode, when, and
what its status and «Дельта» are. The file's cells are checked in interval_grid.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, field, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from kabinet_vocabulary import INTERVAL_MODE, INTERVAL_PROFILE_STATUS

from kit.errors import Conflict, InvalidInput, NotFound, Rejected
from services.readings.domain import windows
from services.readings.domain.interval_grid import PLACES, Grid, days_in
from services.readings.domain.model import AccountFacts, Meter

PENDING = INTERVAL_PROFILE_STATUS.PENDING     # «В ожидании»
ACCEPTED = INTERVAL_PROFILE_STATUS.ACCEPTED
REJECTED = INTERVAL_PROFILE_STATUS.REJECTED
DELETED = INTERVAL_PROFILE_STATUS.DELETED
LIVE = (PENDING, ACCEPTED)                    # at most one of these per meter and month
PLAIN = INTERVAL_MODE.PLAIN                   # без КТ и без потерь: the meter's own kWh
WITH_RATIO = (INTERVAL_MODE.RATIO, INTERVAL_MODE.RATIO_LOSSES)  # values already multiplied by КТ
HOURLY_SOURCE = "interval"                    # hourly_values.source of an accepted profile's hours
LEGAL = "legal"                               # legal entities' categories: "legal" and "legal_…"
STAFF_ROLES = ("admin", "operator")
QUANTUM = Decimal(1).scaleb(-PLACES)


@dataclass(frozen=True)
class Profile:
    """Первичный акт: a meter's hourly active energy over a month, and what became of it."""

    account_id: str
    meter_id: str
    supplier_id: str
    period: dt.date
    mode: str
    ratio: Decimal
    total: Decimal
    hours: int
    digest: str                               # of the mode and values: the same upload again is a retry
    submitted_by: str
    submitted_at: dt.datetime
    status: str = PENDING
    values: tuple[Decimal, ...] | None = None  # day-major; None when listed without them
    decided_at: dt.datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    profile_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def is_legal_entity(category: str) -> bool:
    """Interval profiles are for legal entities: accounts whose category is "legal" or starts with "legal_"
    (the supplier names its legal categories so, e.g. "legal_up_to_670kw")."""
    return category == LEGAL or category.startswith(LEGAL + "_")


def interval_meter(account: AccountFacts, meter_id: str) -> Meter:
    """The meter, if its account may send hourly profiles: a legal entity's, not АИИС КУЭ."""
    meter = account.meter(meter_id)
    if account.automatic_metering:
        raise Rejected("Показания по этому счёту поступают автоматически (АИИС КУЭ): интервальные показания "
                       "передавать не нужно.", code="automatic_metering")
    if not is_legal_entity(account.category):
        raise Rejected("Интервальные (почасовые) показания передают только юридические лица.",
                       code="interval_not_for_account")
    return meter


def parse_period(text: str) -> dt.date:
    """YYYY-MM -> the month's first day."""
    period = windows.parse_period(text)
    if period is None:
        raise InvalidInput("Укажите месяц в виде ГГГГ-ММ.", code="invalid_period",
                           fields={"period": "Укажите месяц в виде ГГГГ-ММ."})
    return period


def check_mode(mode: str) -> str:
    if mode not in INTERVAL_MODE:
        raise InvalidInput(fields={"mode": "Выберите: " + "; ".join(f"{t.code} — {t.title}" for t in INTERVAL_MODE)
                                   + "."})
    return mode


def check_status(status: str) -> str:
    """A list filter: "" (any) or an IntervalProfileStatus code."""
    if status and status not in INTERVAL_PROFILE_STATUS:
        raise InvalidInput(fields={"status": "Допустимо: " + ", ".join(INTERVAL_PROFILE_STATUS.codes) + "."})
    return status


def require_integral(counted: bool) -> None:
    """«Для отправки интервальных показаний необходимо сначала передать интегральные»: an accepted (or billed)
    register reading of the meter must count for the period."""
    if not counted:
        raise Rejected("Для отправки интервальных показаний необходимо сначала передать интегральные.",
                       code="integral_reading_required")


def new_profile(account: AccountFacts, meter: Meter, grid: Grid, mode: str, *, user_id: str,
                now: dt.datetime) -> Profile:
    return Profile(account_id=account.account_id, meter_id=meter.meter_id, supplier_id=account.supplier_id,
                   period=grid.period, mode=mode, ratio=meter.ratio, total=grid.total, hours=len(grid.values),
                   digest=digest(mode, grid.values), submitted_by=user_id, submitted_at=now, values=grid.values)


def digest(mode: str, values: tuple[Decimal, ...]) -> str:
    return hashlib.sha256((mode + ";" + ";".join(map(str, values))).encode()).hexdigest()


def same_or_refuse(existing: Profile, new: Profile) -> Profile:
    """One live (pending or accepted) profile per meter and month: the same file and mode again is a retry and
    gets the first; anything else is refused until that one is rejected or deleted."""
    if existing.digest == new.digest and existing.submitted_by == new.submitted_by:
        return existing
    state = "принят" if existing.status == ACCEPTED else "ожидает проверки"
    raise Conflict(f"Профиль за {existing.period:%m.%Y} по этому счётчику уже передан и {state}. Чтобы передать "
                   "другой, удалите его (пока он не принят).", code="interval_profile_exists")


def integral_in_mode(consumption: Decimal | None, mode: str, ratio: Decimal) -> Decimal | None:
    """The register readings' consumption of the period in the profile's units: × КТ in the КТ modes."""
    if consumption is None:
        return None
    return (consumption * (ratio if mode in WITH_RATIO else 1)).quantize(QUANTUM)


def delta(profile: Profile, consumption: Decimal | None) -> Decimal | None:
    """«Дельта» = integral consumption − the profile's sum (ideally 0; with losses it shows the losses)."""
    integral = integral_in_mode(consumption, profile.mode, profile.ratio)
    return None if integral is None else (integral - profile.total).quantize(QUANTUM)


def deleted(profile: Profile, now: dt.datetime, user_id: str) -> Profile:
    """The customer deletes a profile (the trash icon) while it waits; a decided one stays."""
    if profile.status == DELETED:
        return profile
    if profile.status != PENDING:
        raise Rejected("Профиль уже проверен поставщиком: удалить его нельзя.", code="interval_profile_decided")
    return replace(profile, status=DELETED, decided_at=now, decided_by=user_id)


def decided(profile: Profile, status: str, *, now: dt.datetime, staff_id: str, reason: str) -> Profile:
    """Staff accept or reject a pending profile; a rejection says why."""
    reason = reason.strip()
    if status == REJECTED and not reason:
        raise InvalidInput("Укажите причину отклонения.", code="reason_required",
                           fields={"reason": "Обязательное поле."})
    if profile.status != PENDING:
        raise Rejected("Профиль не ожидает проверки.", code="interval_profile_not_pending")
    return replace(profile, status=status, decided_at=now, decided_by=staff_id, reason=reason or None)


def not_found() -> NotFound:
    return NotFound("Интервальный профиль не найден.", code="interval_profile_not_found")


def hour_starts(period: dt.date, tz: str) -> list[dt.datetime]:
    """The UTC start of each hour of the month, day-major as the profile's values: local day D, row «HH-HH+1»
    starts at D HH:00 in the supplier's zone (Russia keeps no summer time since 2014, so a day has 24 hours)."""
    zone, days = ZoneInfo(tz), days_in(period)
    return [dt.datetime.combine(period.replace(day=day), dt.time(hour), zone).astimezone(dt.UTC)
            for day in range(1, days + 1) for hour in range(24)]


def hourly(profile: Profile, tz: str) -> dict[dt.datetime, Decimal]:
    """An accepted profile's hours as (UTC hour start -> metered kWh, as the consumption series counts register
    readings: a КТ mode's values divided by КТ — losses stay in). In a zone with summer time two local hours can
    meet in one UTC hour: they are added."""
    divisor = profile.ratio if profile.mode in WITH_RATIO and profile.ratio else Decimal(1)
    out: dict[dt.datetime, Decimal] = {}
    for start, kwh in zip(hour_starts(profile.period, tz), profile.values or (), strict=True):
        out[start] = (out.get(start, Decimal(0)) + kwh / divisor).quantize(QUANTUM)
    return out
