"""Submitting a register reading (передать показания), correcting one («ошибочные показания»), and the
billing run that makes readings billed."""

from __future__ import annotations

import datetime as dt

from kit.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from kit.ids import is_uuid
from services.readings.adapters import events
from services.readings.domain import corrections, model, plausibility, review, windows
from services.readings.service_layer.accounts import AccountsPort, allowed_account

STAFF_ROLES = ("admin", "operator")


def submit_reading(uow, accounts: AccountsPort, *, user_id: str | None, account_id: str, meter_id: str,
                   values: dict[str, str], idempotency_key: str | None, confirm: bool = False,
                   source: str = model.CABINET, now: dt.datetime | None = None,
                   account: model.AccountFacts | None = None) -> model.Reading:
    """Accept a reading and announce it; a retry with the same key returns the first result.

    Signed in: `user_id` is the caller and access is checked. Without signing in (public) `user_id` is None
    and `account` the facts the caller proved another way (no access check; the key is the account's)."""
    if user_id is None and account is None:
        raise Unauthenticated()
    now = now or dt.datetime.now(dt.UTC)
    with uow:
        if account is None:
            account = allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        if idempotency_key:
            earlier = uow.readings.by_idempotency_key(user_id, idempotency_key, account.account_id)
            if earlier is not None:
                return earlier
        period = submission_period(uow, account, meter_id, source=source, now=now)
        uow.readings.lock_meter(meter_id)
        # one query for the previous reading and the year the plausibility check judges by
        previous, history = uow.readings.last_with_history(meter_id, now - dt.timedelta(days=plausibility.HISTORY_DAYS))
        reading = model.accept_reading(account, meter_id, values, previous, submitted_by=user_id,
                                       idempotency_key=idempotency_key, now=now, source=source)
        reading.period = period
        reading.flag_reason = _plausible(reading, previous, history, confirm=confirm, source=source)
        uow.readings.add(reading)
        uow.emit(events.reading_accepted(reading, account))
        uow.commit()
    return reading


def submission_period(uow, account: model.AccountFacts, meter_id: str, *, source: str,
                      now: dt.datetime) -> dt.date:
    """The checks before the values, in a submission's order (the calculator asks the same): a meter of the
    account, not АИИС КУЭ, the window; the period the reading would count for."""
    account.meter(meter_id)  # a meter of another account (or no meter at all) is refused before any lookup
    model.refuse_automatic(account, source)  # before the window: АИИС КУЭ is never a matter of dates
    supplier = windows.supplier_or_default(account.supplier_id, uow.suppliers.get(account.supplier_id))
    return windows.submission_period(supplier, now, source)


def correct_reading(uow, accounts: AccountsPort, *, user_id: str, account_id: str, reading_id: str,
                    values: dict[str, str], confirm: bool = False, idempotency_key: str | None = None,
                    now: dt.datetime | None = None) -> model.Reading:
    """A customer corrects the last reading of a meter of their account while its period is not billed; a retry
    with the same key returns the first correction."""
    with uow:
        account = allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        old = _reading_of(uow, reading_id, account_id=account.account_id)
        earlier = _earlier_correction(uow, old, submitted_by=user_id, key=idempotency_key)
        if earlier is not None:
            return earlier
        reading = _replace(uow, account, old, values, submitted_by=user_id, source=model.CABINET,
                           confirm=confirm, reason=None, now=now, idempotency_key=idempotency_key)
        uow.commit()
    return reading


def require_staff(caller) -> None:
    """Staff calls on readings: roles admin, operator."""
    if caller.kind != "staff" or not set(caller.roles) & set(STAFF_ROLES):
        raise Forbidden("Недостаточно прав для этого действия.", code="staff_only")


def staff_correct_reading(uow, accounts: AccountsPort, caller, *, reading_id: str, values: dict[str, str],
                          reason: str, idempotency_key: str | None = None,
                          now: dt.datetime | None = None) -> model.Reading:
    """Staff correct a reading (roles admin, operator) with a reason; audited; no window, no question; a retry
    with the same key returns the first correction."""
    require_staff(caller)
    reason = corrections.staff_reason(reason)
    with uow:
        old = _reading_of(uow, reading_id)
        earlier = _earlier_correction(uow, old, submitted_by=caller.user_id, key=idempotency_key)
        if earlier is not None:
            return earlier
        account = uow.accounts.facts(old.account_id)
        if account is None:
            raise NotFound("Лицевой счёт не найден.", code="account_not_found")
        reading = _replace(uow, account, old, values, submitted_by=caller.user_id, source=model.STAFF,
                           confirm=True, reason=reason, now=now, idempotency_key=idempotency_key)
        uow.audit.record(actor_id=caller.user_id, roles=tuple(caller.roles), action="reading.correct",
                         entity="reading", entity_id=old.reading_id,
                         before={"values": {z: str(v) for z, v in old.values.items()}},
                         after={"reading_id": reading.reading_id, "reason": reason,
                                "values": {z: str(v) for z, v in reading.values.items()}})
        uow.commit()
    return reading


def mark_billed(uow, *, supplier_id: str, period: dt.date) -> int:
    """payments.billing_run.finished: the supplier's accepted readings of the period are billed (an event
    handler; the kit commits)."""
    return uow.readings.mark_billed(supplier_id, period)


def _earlier_correction(uow, old: model.Reading, *, submitted_by: str, key: str | None) -> model.Reading | None:
    """The correction this caller made with this key (a retry after a lost reply: the old reading is superseded
    by now), or None; the key used before for anything else is refused."""
    if not key:
        return None
    uow.readings.lock_meter(old.meter_id)  # a concurrent retry waits for the first and then finds it
    earlier = uow.readings.by_idempotency_key(submitted_by, key)
    if earlier is None:
        return None
    if earlier.corrects != old.reading_id:
        raise InvalidInput("Этот ключ Idempotency-Key уже использован для другого запроса. Для нового запроса "
                           "нужен новый ключ.", code="idempotency_key_reused",
                           fields={"Idempotency-Key": "Ключ уже использован для другого запроса."})
    return earlier


def _replace(uow, account: model.AccountFacts, old: model.Reading, values: dict[str, str], *,
             submitted_by: str, source: str, confirm: bool, reason: str | None,
             now: dt.datetime | None, idempotency_key: str | None = None) -> model.Reading:
    uow.readings.lock_meter(old.meter_id)
    review.refuse_rejected_correction(old)
    corrections.check_correctable(old, uow.readings.last_for_meter(old.meter_id), by_staff=source == model.STAFF)
    previous = uow.readings.before(old)
    new = model.accept_reading(account, old.meter_id, values, previous, submitted_by=submitted_by,
                               idempotency_key=idempotency_key, now=now or dt.datetime.now(dt.UTC), source=source)
    reading = corrections.corrected(old, new, reason=reason)
    since = reading.taken_at - dt.timedelta(days=plausibility.HISTORY_DAYS)
    history = plausibility.summary([r for r in uow.readings.history_for_meter(old.meter_id, since)
                                    if r.reading_id != old.reading_id])
    reading.flag_reason = _plausible(reading, previous, history, confirm=confirm, source=source)
    uow.readings.set_status(old.reading_id, model.SUPERSEDED)
    uow.readings.add(reading)
    uow.emit(events.reading_corrected(reading, account, old))
    return reading


def _plausible(reading: model.Reading, previous: model.Reading | None, history: plausibility.History, *,
               confirm: bool, source: str) -> str | None:
    """The flag of a reading people typed (asked to confirm first); staff and automatic sources are not asked.
    `history`: the meter's counted readings of the year before."""
    return plausibility.require_confirmation(doubt_of(reading, previous, history, source=source), confirm)


def doubt_of(reading: model.Reading, previous: model.Reading | None, history: plausibility.History, *,
             source: str) -> str | None:
    """Why the plausibility check doubts a reading people typed (None: no doubt, or a source it does not ask)."""
    if source not in model.TYPED_SOURCES:
        return None
    return plausibility.doubt(reading, previous, history)


def _reading_of(uow, reading_id: str, *, account_id: str | None = None) -> model.Reading:
    old = uow.readings.get(reading_id) if is_uuid(reading_id) else None
    if old is None or (account_id is not None and old.account_id != account_id):
        raise NotFound("Показания не найдены.", code="reading_not_found")
    return old
