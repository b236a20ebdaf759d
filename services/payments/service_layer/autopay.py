"""Автоплатёж of an account: its settings (step-up and the e-mail link before it runs with a new card), and the
scheduler that charges it once a month on its day in the supplier's time zone.

Exactly once per account and period: the month's row in autopay_runs is claimed (unique account × period),
then leased in its own transaction before the provider is called; the provider's idempotency key is derived
from account × period × attempt, so a worker that dies between the provider's answer and its commit makes the
next one (after the lease) send the same key and get the same payment."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Protocol

from kabinet_vocabulary import PAYMENT_CHANNEL

from kit.context import Caller
from kit.errors import DomainError, NotFound, Unavailable
from services.payments.adapters import events
from services.payments.domain import autopay as rules
from services.payments.domain.card_payments import CANCELED, MIN_TOTAL_KOP
from services.payments.service_layer import card_payments
from services.payments.service_layer.accounts import AccountsPort, ensure_allowed
from services.payments.service_layer.ledger import account_calendar

log = logging.getLogger(__name__)
SWITCHED_OFF = "switched_off"
UNBOUND = "unbound"  # the payer's binding to the account was removed


class AuthPort(Protocol):
    def confirmed_email(self) -> str:
        """The caller's (token forwarded) confirmed e-mail, "" when none; raises Unavailable."""


@dataclass(frozen=True)
class AutopayView:
    account_id: str
    autopay: rules.Autopay | None
    pending: rules.Settings | None
    card: rules.Card | None
    charges: list[rules.AutopayRun]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _view(uow, account_id: str, now: dt.datetime) -> AutopayView:
    autopay = uow.autopay.autopay(account_id)
    return AutopayView(account_id=account_id, autopay=autopay,
                       pending=uow.autopay.pending_confirmation(account_id, now=now),
                       card=uow.autopay.card(autopay.settings.card_id) if autopay else None,
                       charges=uow.autopay.runs(account_id)[:12])


def get_autopay(uow, accounts: AccountsPort, *, user_id: str, account_id: str, now: dt.datetime) -> AutopayView:
    with uow:
        ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
        return _view(uow, account_id, now)


def put_autopay(uow, accounts: AccountsPort, auth: AuthPort, *, caller: Caller, account_id: str,
                settings: rules.Settings, now: dt.datetime) -> AutopayView:
    """Day, amount or cap of an enabled autopay of the same card: at once. Switching on or another card: a
    recent password (step-up), then the e-mail link (`confirm_autopay`); the autopay runs as before meanwhile."""
    rules.validate(settings)
    email = auth.confirmed_email()
    with uow:
        ensure_allowed(uow, accounts, user_id=caller.user_id, account_id=account_id)
        rules.require_confirmed_email(bool(email))
        card = rules.require_own_card(uow.autopay.card(settings.card_id), caller.user_id)
        current = uow.autopay.autopay(account_id, lock=True)
        if not rules.needs_confirmation(current, settings):
            uow.autopay.put_autopay(dataclasses.replace(current, settings=settings, receipt_email=email), now=now)
        else:
            rules.require_step_up(caller.auth_time, now)
            _request_confirmation(uow, caller.user_id, account_id, settings, card, email, now)
        uow.commit()
        return _view(uow, account_id, now)


def _request_confirmation(uow, user_id: str, account_id: str, settings: rules.Settings, card: rules.Card,
                          email: str, now: dt.datetime) -> None:
    """A new one-time link (earlier ones are void); only its hash is kept, the token goes out in the event."""
    token = secrets.token_urlsafe(32)
    expires_at = now + rules.CONFIRMATION_TTL
    uow.autopay.drop_confirmations(account_id, now=now)
    uow.autopay.add_confirmation(token_hash=token_hash(token), account_id=account_id, user_id=user_id,
                                 settings=settings, receipt_email=email, expires_at=expires_at)
    facts = uow.account_facts.get(account_id)
    uow.emit(events.autopay_confirmation_requested(
        user_id=user_id, account_id=account_id, account_number=facts.number or "" if facts else "", token=token,
        settings=settings, card_title=card.title, expires_at=expires_at.isoformat(), email=email))


def confirm_autopay(uow, *, token: str, now: dt.datetime) -> AutopayView:
    """The e-mail link followed: the change it names takes effect (once, within its 24 hours)."""
    with uow:
        taken = uow.autopay.take_confirmation(token_hash(token or ""), now=now)
        if taken is None:
            raise NotFound("Ссылка недействительна или устарела. Настройте автоплатёж ещё раз.",
                           code="autopay_token_invalid")
        account_id, user_id, settings, email = taken
        rules.require_own_card(uow.autopay.card(settings.card_id), user_id)
        uow.autopay.autopay(account_id, lock=True)
        uow.autopay.put_autopay(rules.Autopay(account_id=account_id, user_id=user_id, settings=settings,
                                              enabled=True, off_reason="", activated_at=now, receipt_email=email),
                                now=now)
        uow.commit()
        return _view(uow, account_id, now)


def delete_autopay(uow, accounts: AccountsPort, *, user_id: str, account_id: str, now: dt.datetime) -> AutopayView:
    with uow:
        ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
        current = uow.autopay.autopay(account_id, lock=True)
        if current is not None and current.enabled:
            switch_off(uow, current, reason=SWITCHED_OFF, now=now)
        uow.autopay.drop_confirmations(account_id, now=now)
        uow.commit()
        return _view(uow, account_id, now)


def switch_off(uow, autopay: rules.Autopay, *, reason: str, now: dt.datetime) -> None:
    """Off with its reason; the settings stay for the page (switching on again needs the e-mail link)."""
    uow.autopay.put_autopay(dataclasses.replace(autopay, enabled=False, off_reason=reason), now=now)


# --- the scheduler ---------------------------------------------------------------------------------------

@dataclass
class RunCounts:
    paid: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0

    def add(self, status: str) -> None:
        name = {rules.PAID: "paid", rules.SKIPPED: "skipped", rules.RETRY: "retrying", rules.FAILED: "failed"}[status]
        setattr(self, name, getattr(self, name) + 1)


def run(uow_factory, provider, *, now: dt.datetime, limit: int = 500) -> RunCounts:
    """Claims the month of every enabled autopay whose day has come (in its supplier's zone), then charges the
    claimed months and the retries whose time came, one account at a time."""
    claim_due(uow_factory(), now=now)
    counts = RunCounts()
    for _ in range(limit):
        taken = _take(uow_factory(), now=now)
        if taken is None:
            break
        counts.add(taken.status if taken.status == rules.SKIPPED else _charge(uow_factory, provider, taken, now=now))
    return counts


def claim_due(uow, *, now: dt.datetime) -> int:
    """A row per account × period whose day has come: made once (the unique key), whoever runs it."""
    made = 0
    somewhere = [(now + dt.timedelta(days=d)).date() for d in (-1, 0, 1)]  # today in some zone on Earth
    with uow:
        for autopay in uow.autopay.enabled_autopays(max_day=max(d.day for d in somewhere),
                                                    periods=tuple({rules.period_of(d) for d in somewhere})):
            calendar = account_calendar(uow, autopay.account_id)
            today = calendar.today(now)
            if rules.is_due(autopay, today, calendar.today(autopay.activated_at)):
                made += uow.autopay.claim_period(autopay.account_id, rules.period_of(today), now=now)
        uow.commit()
    return made


def _take(uow, *, now: dt.datetime) -> rules.AutopayRun | None:
    """Leases the next row to charge (SKIP LOCKED: concurrent workers take different rows). A row whose lease
    ran out (its worker died mid-charge) keeps its attempt and amounts: the same idempotency key goes again.
    A new row or a retry gets its amounts now — nothing due (or below the minimum) skips the month."""
    with uow:
        runs = uow.autopay.runs_to_drive(now=now, limit=1)
        if not runs:
            return None
        run_ = runs[0]
        if run_.status == rules.CHARGING and run_.lease_until is not None:
            taken = dataclasses.replace(run_, lease_until=now + rules.LEASE)
        else:
            taken = _priced(uow, run_, now)
        uow.autopay.save_run(taken, now=now)
        uow.commit()
        return taken


def _priced(uow, run_: rules.AutopayRun, now: dt.datetime) -> rules.AutopayRun:
    attempt = run_.attempt + 1 if run_.status == rules.RETRY else run_.attempt
    autopay = uow.autopay.autopay(run_.account_id)
    card = uow.autopay.card(autopay.settings.card_id) if autopay else None
    if autopay is None or not autopay.enabled or card is None:
        return _skip(run_, SWITCHED_OFF if card or not autopay else "card_deleted")
    if uow.autopay.unbound(autopay.user_id, run_.account_id):  # the payer no longer has the account
        switch_off(uow, autopay, reason=UNBOUND, now=now)
        return _skip(run_, UNBOUND)
    calendar = account_calendar(uow, run_.account_id)
    balance = uow.ledger_store.balance(run_.account_id, today=calendar.today(now), tz=calendar.tz,
                                       due_day=calendar.due_day)
    energy, penalties = rules.amounts(autopay.settings, energy_due_kop=balance.amount_due_energy_kop,
                                      penalties_due_kop=balance.amount_due_penalties_kop)
    if energy + penalties == 0:
        return _skip(run_, "nothing_due")
    if energy + penalties < MIN_TOTAL_KOP:
        return _skip(run_, "below_minimum")
    return dataclasses.replace(run_, status=rules.CHARGING, attempt=attempt, lease_until=now + rules.LEASE,
                               next_attempt_at=None, card_id=card.card_id, energy_kop=energy,
                               penalties_kop=penalties)


def _skip(run_: rules.AutopayRun, reason: str) -> rules.AutopayRun:
    return dataclasses.replace(run_, status=rules.SKIPPED, reason=reason, lease_until=None, next_attempt_at=None)


def _charge(uow_factory, provider, run_: rules.AutopayRun, *, now: dt.datetime) -> str:
    """The provider charge of a leased row and its outcome in one transaction; a refusal or an outage makes it
    a retry (a later attempt, a new key) or, after the last attempt, a failure announced to the customer."""
    uow = uow_factory()
    try:
        with uow:
            autopay = uow.autopay.autopay(run_.account_id)
            card = uow.autopay.card(run_.card_id)
            if autopay is None or card is None:
                raise NotFound(code="card_not_found")
            payment = card_payments.charge_saved_card(
                uow, provider, user_id=autopay.user_id, account_id=run_.account_id, energy_kop=run_.energy_kop,
                penalties_kop=run_.penalties_kop, method_id=card.method_id, idempotency_key=run_.idempotency_key,
                channel=PAYMENT_CHANNEL.AUTOPAY, receipt_contact={"email": autopay.receipt_email})
            if payment.status != CANCELED:
                uow.autopay.save_run(dataclasses.replace(run_, status=rules.PAID, payment_id=payment.payment_id,
                                                         lease_until=None, reason=""), now=now)
                uow.commit()
                return rules.PAID
            return _failed(uow, dataclasses.replace(run_, payment_id=payment.payment_id),
                           payment.cancel_reason or "declined", now)
    except (Unavailable, DomainError) as error:
        log.warning("autopay %s %s attempt %s: %s", run_.account_id, run_.period, run_.attempt, error)
        reason = rules.PROVIDER_UNAVAILABLE if isinstance(error, Unavailable) else error.code
        with uow_factory() as retry_uow:
            current = retry_uow.autopay.run(run_.account_id, run_.period, lock=True)
            return _failed(retry_uow, current, reason, now)


def _failed(uow, run_: rules.AutopayRun, reason: str, now: dt.datetime) -> str:
    after = rules.after_failure(run_, reason, now)
    uow.autopay.save_run(after, now=now)
    if after.status == rules.FAILED:
        autopay = uow.autopay.autopay(run_.account_id)
        facts = uow.account_facts.get(run_.account_id)
        uow.emit(events.autopay_failed(
            user_id=autopay.user_id if autopay else "", account_id=run_.account_id,
            account_number=(facts.number or "") if facts else "", period=f"{run_.period:%Y-%m}",
            amount_kop=run_.energy_kop + run_.penalties_kop, reason=reason, attempts=run_.attempt,
            email=autopay.receipt_email if autopay else "", reason_message=rules.failure_message(reason)))
    uow.commit()
    return after.status
