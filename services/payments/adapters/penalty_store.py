"""Penalties in SQL: the set-based daily accrual, key rates, moratoria and each supplier's progress.

One statement per supplier and day: the unpaid energy remainders of every account of the supplier as the
ledger stood at the end of the day (`adapters/ledger_store.py:remainders_sql`), in their 31st day of delay
or later, summed per account exactly in integers and rounded half up (`domain/penalties.py:daily_penalty`):

    amount = round_half_up(Σ remainder × rate_percent × w / 390000),  w = 13 for 1/300, 30 for 1/130

(1/300 = 13/3900 and 1/130 = 30/3900; /100 for percent). The rows go into penalty_accruals ON CONFLICT DO
NOTHING (primary key account × day: exactly once, however often or concurrently it runs), and only the rows
actually inserted with an amount get their ledger entry in the penalties bucket — in the same statement.

The same statement tells, from the same remainders: each account with an energy debt due on the day and still
unpaid at its end gets a row in debt_overdue_notices (account × due date, ON CONFLICT DO NOTHING); the rows
inserted come back for payments.debt.overdue. After the month's last day, MONTH does the same for the month's
accruals (penalty_notices, account × month). The events are COPYed into the outbox in the day's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from kit.events import Event
from kit.outbox import copy_events
from services.payments.adapters.ledger_store import booked, remainders_sql
from services.payments.adapters.orm import (
    account_facts,
    key_rates,
    ledger,
    moratoria,
    penalty_accruals,
    penalty_progress,
)
from services.payments.domain import ledger as rules
from services.payments.domain.penalties import FIRST_RATE_UNTIL, GRACE_DAYS, KeyRate, Moratorium

ACCRUE = f"""
    WITH r AS ({remainders_sql(
        "l.account_id IN (SELECT account_id FROM account_facts WHERE supplier_id = :supplier_id)"
        " AND l.bucket = 'energy'", through=True)}),
    per_account AS (
        SELECT account_id,
               sum(remainder) FILTER (WHERE :through - due > {GRACE_DAYS}) AS base,
               div(2 * sum(remainder * CAST(:rate AS numeric)
                           * CASE WHEN :through - due <= {FIRST_RATE_UNTIL} THEN 13 ELSE 30 END)
                       FILTER (WHERE :through - due > {GRACE_DAYS}) + 390000,
                   780000) AS amount,
               bool_or(due = :through) AS falls_due,
               sum(remainder) FILTER (WHERE due <= :through) AS overdue,
               sum(remainder) AS energy_due
        FROM r WHERE remainder > 0
        GROUP BY account_id),
    inserted AS (
        INSERT INTO penalty_accruals (account_id, day, base_kop, amount_kop, entry_id)
        SELECT account_id, :through, base, amount, CASE WHEN amount > 0 THEN gen_random_uuid() END
        FROM per_account WHERE base IS NOT NULL AND CAST(:accrue AS boolean)
        ON CONFLICT DO NOTHING
        RETURNING account_id, amount_kop, entry_id),
    booked AS (
        INSERT INTO ledger (entry_id, account_id, kind, amount_kop, posted_at, bucket, period, due_on,
                            external_id, description)
        SELECT entry_id, account_id, 'penalty', -amount_kop, :posted_at, 'penalties', :period, :through,
               'penalty:' || account_id || ':' || :day_text, :description
        FROM inserted WHERE amount_kop > 0
        RETURNING entry_id),
    told AS (
        INSERT INTO debt_overdue_notices (account_id, due_on, overdue_kop, amount_due_kop)
        SELECT o.account_id, :through, o.overdue,
               o.energy_due + greatest(0, coalesce(i.amount_kop, 0) - coalesce((
                   SELECT sum(p.amount_kop) FROM ledger p
                   WHERE p.account_id = o.account_id AND p.bucket = 'penalties' AND {booked('p')} <= :through), 0))
        FROM per_account o LEFT JOIN inserted i ON i.account_id = o.account_id
        WHERE o.falls_due AND CAST(:tell AS boolean)
        ON CONFLICT DO NOTHING
        RETURNING account_id, overdue_kop, amount_due_kop)
    SELECT (SELECT count(*) FILTER (WHERE amount_kop > 0) FROM inserted) AS accruals,
           (SELECT coalesce(sum(amount_kop), 0) FROM inserted) AS amount_kop,
           (SELECT coalesce(array_agg(ARRAY[t.account_id::text, coalesce(f.number, ''), t.overdue_kop::text,
                                            t.amount_due_kop::text]), '{{}}')
            FROM told t LEFT JOIN account_facts f ON f.account_id = t.account_id) AS overdue"""

# The month's penalties of every account of the supplier that has some, once (penalty_notices), after the accrual
# of the month's last day (in its transaction: that day's accruals and entries count).
MONTH = f"""
    WITH month AS (
        SELECT a.account_id, sum(a.amount_kop) AS amount
        FROM penalty_accruals a JOIN account_facts f ON f.account_id = a.account_id
        WHERE f.supplier_id = :supplier_id AND a.day BETWEEN :period AND :through
        GROUP BY a.account_id HAVING sum(a.amount_kop) > 0),
    told AS (
        INSERT INTO penalty_notices (account_id, period, amount_kop, penalties_due_kop)
        SELECT m.account_id, :period, m.amount, greatest(0, -coalesce((
                   SELECT sum(p.amount_kop) FROM ledger p
                   WHERE p.account_id = m.account_id AND p.bucket = 'penalties' AND {booked('p')} <= :through), 0))
        FROM month m
        ON CONFLICT DO NOTHING
        RETURNING account_id, amount_kop, penalties_due_kop)
    SELECT t.account_id::text AS account_id, coalesce(f.number, '') AS number, t.amount_kop, t.penalties_due_kop
    FROM told t LEFT JOIN account_facts f ON f.account_id = t.account_id"""


@dataclass(frozen=True)
class Overdue:
    """A debt overdue notice: the account, its number, the overdue energy remainders, everything due."""

    account_id: str
    account_number: str
    overdue_kop: int
    amount_due_kop: int


@dataclass(frozen=True)
class MonthPenalties:
    """A month's penalties notice: the account, its number, the month's accruals, the penalties due after them."""

    account_id: str
    account_number: str
    amount_kop: int
    penalties_due_kop: int


@dataclass(frozen=True)
class DayAccrued:
    accruals: int  # ledger entries written
    amount_kop: int  # their sum
    overdue: list[Overdue]  # the notices this day told (payments.debt.overdue)


class PenaltyStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_supplier(self, supplier_id: str) -> None:
        """One accrual of a supplier at a time (the worker's replicas, staff): the second waits, then finds
        the days done. Exactly once does not rest on it (the primary key does), only the wasted work."""
        self.session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended("penalties:" + supplier_id, 0))))

    def accrue_day(self, supplier_id: str, day: dt.date, *, rate_percent: Decimal | None, tz: str,
                   due_day: int | None, tell: bool = False) -> DayAccrued:
        """One statement for the supplier's day: accrue the penalties of every account that has none for the day
        (none at all with `rate_percent` None: no key rate in force, a moratorium), and — with `tell` — note once
        each account whose energy debt due on the day still has a remainder at its end (debt_overdue_notices,
        `domain/penalties.py:overdue_on`): the remainders the accrual computes anyway, so telling costs no scan."""
        posted_at = dt.datetime.combine(day, dt.time(23, 59, 59))
        row = self.session.execute(text(ACCRUE), dict(
            supplier_id=supplier_id, through=day, rate=rate_percent or 0, accrue=rate_percent is not None,
            tell=tell, tz=tz, due_day=due_day or rules.DEFAULT_DUE_DAY, period=rules.period_of(day),
            day_text=day.isoformat(), posted_at=_local(posted_at, tz), description=f"Пени за {day:%d.%m.%Y}")).one()
        overdue = [Overdue(a, n, int(o), int(d)) for a, n, o, d in row.overdue]
        return DayAccrued(int(row.accruals), int(row.amount_kop), overdue)

    def tell_month(self, supplier_id: str, day: dt.date, *, tz: str) -> list[MonthPenalties]:
        """After the accrual of the month's last day `day`, in its transaction: note once each account of the
        supplier whose month's accruals are above zero (penalty_notices), with the penalties due after them."""
        rows = self.session.execute(text(MONTH), dict(supplier_id=supplier_id, period=rules.period_of(day),
                                                      through=day, tz=tz)).all()
        return [MonthPenalties(r.account_id, r.number, int(r.amount_kop), int(r.penalties_due_kop)) for r in rows]

    def write_events(self, events: list[Event], producer: str) -> None:
        """A day's notices into the outbox with COPY, in the day's transaction (a due date tells most accounts)."""
        copy_events(self.session, producer, events)

    def accrued_through(self, supplier_id: str) -> dt.date | None:
        return self.session.execute(select(penalty_progress.c.accrued_through)
                                    .where(penalty_progress.c.supplier_id == supplier_id)).scalar()

    def advance(self, supplier_id: str, day: dt.date) -> None:
        stmt = insert(penalty_progress).values(supplier_id=supplier_id, accrued_through=day)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=[penalty_progress.c.supplier_id],
            set_={"accrued_through": func.greatest(penalty_progress.c.accrued_through, stmt.excluded.accrued_through)}))

    def first_booked(self, supplier_id: str, tz: str) -> dt.date | None:
        """The first day the supplier's accounts have an energy entry on: accrual starts there."""
        return self.session.execute(text(
            f"SELECT min({booked('l')}) FROM ledger l JOIN account_facts f ON f.account_id = l.account_id "
            "WHERE f.supplier_id = :supplier_id AND l.bucket = 'energy'"), dict(supplier_id=supplier_id, tz=tz)
        ).scalar()

    def suppliers(self) -> list[str]:
        """The suppliers that have accounts (as the projection of accounts' facts knows them)."""
        return [str(s) for s in self.session.execute(
            select(account_facts.c.supplier_id).distinct().order_by(account_facts.c.supplier_id)).scalars()]

    def accruals_of(self, account_id: str) -> list[tuple[dt.date, int, int]]:
        """(day, base, amount) of an account's accruals, by day."""
        rows = self.session.execute(select(penalty_accruals).where(penalty_accruals.c.account_id == account_id)
                                    .order_by(penalty_accruals.c.day))
        return [(r.day, int(r.base_kop), int(r.amount_kop)) for r in rows]

    def penalty_entries(self, account_id: str) -> int:
        return int(self.session.execute(select(func.count()).select_from(ledger).where(
            ledger.c.account_id == account_id, ledger.c.kind == "penalty")).scalar_one())


def _local(moment: dt.datetime, tz: str) -> dt.datetime:
    return moment.replace(tzinfo=ZoneInfo(tz))


class KeyRateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> list[KeyRate]:
        return [KeyRate(r.valid_from, r.rate_percent)
                for r in self.session.execute(select(key_rates).order_by(key_rates.c.valid_from))]

    def put(self, rate: KeyRate) -> KeyRate | None:
        """Create or replace the rate from its date; returns the one it replaced (None if new)."""
        before = next((r for r in self.list() if r.valid_from == rate.valid_from), None)
        stmt = insert(key_rates).values(valid_from=rate.valid_from, rate_percent=rate.rate_percent)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=[key_rates.c.valid_from],
            set_={"rate_percent": stmt.excluded.rate_percent, "updated_at": func.now()}))
        return before


class MoratoriumRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> list[Moratorium]:
        return [Moratorium(str(r.moratorium_id), r.valid_from, r.valid_until, r.title)
                for r in self.session.execute(select(moratoria).order_by(moratoria.c.valid_from,
                                                                          moratoria.c.moratorium_id))]

    def put(self, moratorium: Moratorium) -> Moratorium | None:
        """Create or replace by id; returns the one it replaced (None if new)."""
        before = next((m for m in self.list() if m.moratorium_id == moratorium.moratorium_id), None)
        values = dict(valid_from=moratorium.valid_from, valid_until=moratorium.valid_until, title=moratorium.title)
        stmt = insert(moratoria).values(moratorium_id=moratorium.moratorium_id, **values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=[moratoria.c.moratorium_id], set_=values))
        return before
