"""Penalties (пени): staff keep the key rates and moratoria (operators and admins read, admins write, every
call audited), and the accrual runs day by day per supplier — daily in the worker, on demand by staff.

Each supplier × day is one transaction with one set-based statement (`adapters/penalty_store.py`); the days
go from the day after the supplier's progress (or its ledger's first day) through `through`, in the
supplier's calendar. Exactly once rests on the accruals' primary key (account × day), so a rerun or a
concurrent run adds nothing. The same transaction tells customers what the day found — debts overdue and, on a
month's last day (a second statement), the month's penalties — once each by the notices' primary keys.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from kit.context import Caller
from kit.errors import InvalidInput
from kit.ids import is_uuid
from services.payments.adapters import events
from services.payments.adapters.penalty_store import DayAccrued
from services.payments.domain import model
from services.payments.domain import penalties as rules
from services.payments.service_layer.ledger import Calendar, supplier_calendar
from services.payments.service_layer.master_data import WRITERS, audit, staff_list, staff_member

log = logging.getLogger("payments.penalties")


@dataclass(frozen=True)
class Accrued:
    accruals: int  # account-days with a ledger entry written by this call
    amount_kop: int
    through: dt.date


# --- the accrual ------------------------------------------------------------------------------------------

def yesterday(calendar: Calendar, now: dt.datetime) -> dt.date:
    return calendar.today(now) - dt.timedelta(days=1)


def accrue(uow_factory, *, now: dt.datetime, through: Callable[[Calendar, dt.datetime], dt.date] = yesterday,
           supplier_id: str = "") -> tuple[int, int]:
    """Accrue every supplier's (or one supplier's) penalties through its `through(calendar, now)` day; returns
    (accruals, kopecks) written by this call. The worker's daily job: through yesterday, idempotent."""
    with uow_factory() as uow:
        suppliers = [s for s in uow.penalties.suppliers() if not supplier_id or s == supplier_id]
        rates, moratoria = uow.key_rates.list(), uow.moratoria.list()
        calendars = {s: supplier_calendar(uow.suppliers.get(s)) for s in suppliers}
    accruals = amount = 0
    for supplier_id, calendar in calendars.items():
        done = accrue_supplier(uow_factory, supplier_id, calendar, through(calendar, now), rates, moratoria,
                               today=calendar.today(now))
        accruals, amount = accruals + done[0], amount + done[1]
    return accruals, amount


def accrue_supplier(uow_factory, supplier_id: str, calendar: Calendar, through: dt.date,
                    rates: list[rules.KeyRate], moratoria: list[rules.Moratorium], *,
                    today: dt.date | None = None) -> tuple[int, int]:
    """The supplier's days after its progress through `through`, one transaction each. A day without a key
    rate in force (before the first one) or in a moratorium accrues nothing but is done. Each day recent
    enough (`domain/penalties.py:told`, against the supplier's `today`; every day when None) tells, in its
    transaction: the energy debts due on it and unpaid at its end, and on a month's last day the month's
    penalties — each once (the notices' primary keys), so a run through a date tells what daily runs would."""
    with uow_factory() as uow:
        progress = uow.penalties.accrued_through(supplier_id)
        start = progress + dt.timedelta(days=1) if progress else uow.penalties.first_booked(supplier_id, calendar.tz)
    accruals = amount = 0
    day = start
    while day is not None and day <= through:
        with uow_factory() as uow:
            uow.penalties.lock_supplier(supplier_id)
            progress = uow.penalties.accrued_through(supplier_id)
            if progress is None or day > progress:
                done = accrue_day(uow, supplier_id, calendar, day, rates, moratoria,
                                  tell=today is None or rules.told(day, today))
                accruals, amount = accruals + done.accruals, amount + done.amount_kop
                uow.penalties.advance(supplier_id, day)
                uow.commit()
        day += dt.timedelta(days=1)
    if accruals:
        log.info("penalties accrued", extra={"ctx_supplier": supplier_id, "ctx_accruals": accruals,
                                             "ctx_amount_kop": amount, "ctx_through": through.isoformat()})
    return accruals, amount


def accrue_day(uow, supplier_id: str, calendar: Calendar, day: dt.date, rates: list[rules.KeyRate],
               moratoria: list[rules.Moratorium], *, tell: bool) -> DayAccrued:
    """One supplier's day in the caller's transaction: the accrual (none without a key rate in force or in a
    moratorium) and, with `tell`, its notices as payments.debt.overdue and payments.penalties.accrued."""
    rate = None if rules.in_moratorium(moratoria, day) else rules.key_rate_on(rates, day)
    done = uow.penalties.accrue_day(supplier_id, day, rate_percent=rate, tz=calendar.tz, due_day=calendar.due_day,
                                    tell=tell)
    if not tell:
        return done
    due_on, period = day.isoformat(), f"{day:%Y-%m}"
    told = [events.debt_overdue(account_id=o.account_id, account_number=o.account_number, due_on=due_on,
                                overdue_kop=o.overdue_kop, amount_due_kop=o.amount_due_kop) for o in done.overdue]
    if rules.closes_month(day):
        told += [events.penalties_accrued(account_id=m.account_id, account_number=m.account_number, period=period,
                                          amount_kop=m.amount_kop, penalties_due_kop=m.penalties_due_kop)
                 for m in uow.penalties.tell_month(supplier_id, day, tz=calendar.tz)]
    uow.penalties.write_events(told, uow.producer)
    return done


def accrue_penalties(uow_factory, staff: Caller, *, through: str, now: dt.datetime, test_clock: bool,
                     supplier_id: str = "") -> Accrued:
    """StaffAccruePenalties: every supplier (or one) through `through` ("" = today). A later day than the
    supplier's today only with the test clock (dev and test profiles); otherwise today is as far as it goes."""
    staff_member(staff, WRITERS)
    day = model.parse_local_date(through) if through else None
    problems = {"through": rules.BAD_DATE} if through and day is None else {}
    if supplier_id and not is_uuid(supplier_id):
        problems["supplier_id"] = "Неверный идентификатор поставщика."
    if problems:
        raise InvalidInput(fields=problems)

    def until(calendar: Calendar, now: dt.datetime) -> dt.date:
        today = calendar.today(now)
        if day is None:
            return today
        return day if test_clock else min(day, today)

    accruals, amount = accrue(uow_factory, now=now, through=until, supplier_id=supplier_id)
    today = model.local_date(now)
    result = Accrued(accruals=accruals, amount_kop=amount,
                     through=today if day is None else day if test_clock else min(day, today))
    with uow_factory() as uow:
        audit(uow, staff, "penalties.accrued", "penalty_accrual", after={
            "through": through, "supplier_id": supplier_id, "accruals": accruals, "amount_kop": amount})
        uow.commit()
    return result


# --- key rates and moratoria ------------------------------------------------------------------------------

def list_key_rates(uow, staff: Caller) -> list[rules.KeyRate]:
    return staff_list(uow, staff, "key_rates.listed", "key_rate", lambda u: u.key_rates.list())


def set_key_rate(uow, staff: Caller, *, valid_from: str, rate_percent: str) -> rules.KeyRate:
    """Create or replace the key rate from a date. Days accrued already keep their penalties."""
    staff_member(staff, WRITERS)
    rate = rules.new_key_rate(valid_from=valid_from, rate_percent=rate_percent)
    with uow:
        before = uow.key_rates.put(rate)
        audit(uow, staff, "key_rate.set", "key_rate", rate.valid_from.isoformat(),
              before=_rate(before) if before else None, after=_rate(rate))
        uow.commit()
    return rate


def list_moratoria(uow, staff: Caller) -> list[rules.Moratorium]:
    return staff_list(uow, staff, "moratoria.listed", "moratorium", lambda u: u.moratoria.list())


def set_moratorium(uow, staff: Caller, *, moratorium_id: str, valid_from: str, valid_until: str,
                   title: str) -> rules.Moratorium:
    """Declare a moratorium, or change one by id. Days accrued already keep their penalties."""
    staff_member(staff, WRITERS)
    moratorium = rules.new_moratorium(moratorium_id=moratorium_id, valid_from=valid_from, valid_until=valid_until,
                                      title=title)
    with uow:
        before = uow.moratoria.put(moratorium)
        audit(uow, staff, "moratorium.set", "moratorium", moratorium.moratorium_id,
              before=_moratorium(before) if before else None, after=_moratorium(moratorium))
        uow.commit()
    return moratorium


def _rate(rate: rules.KeyRate) -> dict:
    return {"valid_from": rate.valid_from, "rate_percent": rate.rate_percent}


def _moratorium(m: rules.Moratorium) -> dict:
    return {"valid_from": m.valid_from, "valid_until": m.valid_until, "title": m.title}
