"""Автоплатёж: saved cards, the autopay settings of an account and the rules of its monthly charge.

Plain Python: which settings are valid, which change needs a fresh password (step-up) and the e-mail link,
when the month's charge is due in the supplier's zone, how much it takes from which bucket, and how failed
attempts are retried."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from kabinet_vocabulary import AUTOPAY_MODE

from kit.errors import Forbidden, InvalidInput, NotFound, Rejected
from services.payments.domain.card_payments import cancel_message

MAX_DAY = 28  # every month has it: no "31st" that February lacks
STEP_UP_WINDOW = dt.timedelta(minutes=5)  # a password entered this recently allows switching autopay on
CONFIRMATION_TTL = dt.timedelta(hours=24)  # the e-mail link's life
MAX_ATTEMPTS = 3  # provider declines / outages per month before the charge is given up
BACKOFF = (dt.timedelta(hours=1), dt.timedelta(hours=6))  # before the 2nd and the 3rd attempt
LEASE = dt.timedelta(minutes=10)  # a charging row whose worker died is taken again after this

# autopay_runs.status
CHARGING, RETRY, PAID, SKIPPED, FAILED = "charging", "retry", "paid", "skipped", "failed"


@dataclass(frozen=True)
class Card:
    """A card saved at the provider (its payment method), shown masked."""

    card_id: str
    user_id: str
    method_id: str
    title: str
    last4: str
    first6: str
    expiry_month: str
    expiry_year: str
    card_type: str


@dataclass(frozen=True)
class Settings:
    card_id: str
    day: int
    mode: str  # AUTOPAY_MODE
    amount_kop: int  # fixed mode: what is paid each month
    cap_kop: int  # never more than this in a month

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Autopay:
    account_id: str
    user_id: str
    settings: Settings
    enabled: bool
    off_reason: str
    activated_at: dt.datetime
    receipt_email: str = ""  # the user's confirmed e-mail when it was confirmed: the 54-ФЗ receipt goes there


@dataclass(frozen=True)
class AutopayRun:
    """The month's charge of one account (autopay_runs): once per account and period."""

    account_id: str
    period: dt.date
    status: str
    attempt: int
    lease_until: dt.datetime | None = None
    next_attempt_at: dt.datetime | None = None
    card_id: str | None = None
    energy_kop: int = 0
    penalties_kop: int = 0
    payment_id: str | None = None
    reason: str = ""

    @property
    def idempotency_key(self) -> str:
        """The provider's key: the same attempt of the same month never charges twice, even when the worker
        died after the provider's answer and before its commit."""
        return f"autopay:{self.account_id}:{self.period:%Y-%m}:{self.attempt}"


def validate(settings: Settings) -> Settings:
    fields = {}
    if not 1 <= settings.day <= MAX_DAY:
        fields["day"] = f"Укажите день месяца от 1 до {MAX_DAY}."
    if settings.mode not in AUTOPAY_MODE:
        fields["mode"] = "Выберите режим: сумма к оплате или фиксированная сумма."
    if settings.cap_kop <= 0:
        fields["cap_kop"] = "Укажите предельную сумму списания больше нуля."
    if settings.mode == AUTOPAY_MODE.FIXED and not 0 < settings.amount_kop <= max(settings.cap_kop, 0):
        fields["amount_kop"] = "Фиксированная сумма должна быть больше нуля и не больше предельной."
    if settings.mode == AUTOPAY_MODE.AMOUNT_DUE and settings.amount_kop != 0:
        fields["amount_kop"] = "В режиме «Сумма к оплате» фиксированная сумма не указывается."
    if not settings.card_id:
        fields["card_id"] = "Выберите сохранённую карту."
    if fields:
        raise InvalidInput(fields=fields)
    return settings


def require_step_up(auth_time: int, now: dt.datetime) -> None:
    """Switching autopay on or changing its card needs the password entered within STEP_UP_WINDOW."""
    if now.timestamp() - auth_time > STEP_UP_WINDOW.total_seconds():
        raise Forbidden("Подтвердите пароль, чтобы изменить автоплатёж.", code="step_up_required")


def require_confirmed_email(email_confirmed: bool) -> None:
    if not email_confirmed:
        raise Rejected("Подтвердите адрес электронной почты в профиле, чтобы подключить автоплатёж.",
                       code="email_not_confirmed")


def require_own_card(card: Card | None, user_id: str) -> Card:
    if card is None or card.user_id != user_id:
        raise NotFound("Сохранённая карта не найдена.", code="card_not_found")
    return card


def needs_confirmation(current: Autopay | None, wanted: Settings) -> bool:
    """Switching on (or on again) or paying with another card takes the password and the e-mail link;
    changing the amount, the cap or the day of a running autopay of the same card takes effect at once."""
    return current is None or not current.enabled or current.settings.card_id != wanted.card_id


# --- the monthly charge ------------------------------------------------------------------------------------

def period_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def due_date(settings: Settings, period: dt.date) -> dt.date:
    return period.replace(day=settings.day)


def is_due(autopay: Autopay, today: dt.date, activated_on: dt.date) -> bool:
    """The month's charge is due from its day on (a day missed while the scheduler was down is caught up
    later in the month), but not in the month it was switched on after its day."""
    due = due_date(autopay.settings, period_of(today))
    return autopay.enabled and today >= due and activated_on <= due


def amounts(settings: Settings, *, energy_due_kop: int, penalties_due_kop: int) -> tuple[int, int]:
    """(energy, penalties) to charge: amount_due mode pays what is due, energy first, then penalties; fixed
    mode pays its amount the same way, the rest of it as an energy prepayment; both never above the cap.
    (0, 0) when nothing is due — the month is skipped."""
    energy_due, penalties_due = max(energy_due_kop, 0), max(penalties_due_kop, 0)
    if energy_due + penalties_due == 0:
        return 0, 0
    total = energy_due + penalties_due if settings.mode == AUTOPAY_MODE.AMOUNT_DUE else settings.amount_kop
    total = min(total, settings.cap_kop)
    penalties = min(penalties_due, max(total - energy_due, 0))
    return total - penalties, penalties


def after_failure(run: AutopayRun, reason: str, now: dt.datetime) -> AutopayRun:
    """A declined or unanswered attempt: another one later (a new idempotency key), or failed for the month
    after MAX_ATTEMPTS."""
    if run.attempt >= MAX_ATTEMPTS:
        return dataclasses.replace(run, status=FAILED, reason=reason, lease_until=None, next_attempt_at=None)
    return dataclasses.replace(run, status=RETRY, reason=reason, lease_until=None,
                               next_attempt_at=now + BACKOFF[min(run.attempt, len(BACKOFF)) - 1])


PROVIDER_UNAVAILABLE = "provider_unavailable"


def failure_message(reason: str) -> str:
    """What the customer reads of why the month's autopay failed."""
    if reason == PROVIDER_UNAVAILABLE:
        return "платёжный сервис был недоступен."
    text = cancel_message(reason)
    return text[0].lower() + text[1:]
