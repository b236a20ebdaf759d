"""Penalties in SQL: the set-based daily accrual, key rates, moratoria and each supplier's progress.

One statement per supplier and day: the unpaid energy remainders of every account of the supplier as the
ledger stood at the end of the day (`adapters/ledger_store.py:remainders_sql`), in their 31st day of delay
or later, summed per account exactly in integers and rounded half up (`domain/penalties.py:daily_penalty`):

    amount = round_half_up(Σ remainder × rate_percent × w / 390000),  w = 13 for 1/300, 30 for 1/130

(1/300 = 13/3900 and 1/130 = 30/3900; /100 for percent). The rows go into penalty_accruals ON CONFLICT DO
NOTHING (primary key account × day: exactly once, however often or concurrently it runs), and only the rows
actually inserted with an amount get their ledger entry in the penalties bucket — in the same statement.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

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
        SELECT account_id, sum(remainder) AS base,
               div(2 * sum(remainder * CAST(:rate AS numeric)
                           * CASE WHEN :through - due <= {FIRST_RATE_UNTIL} THEN 13 ELSE 30 END) + 390000,
                   780000) AS amount
        FROM r WHERE remainder > 0 AND :through - due > {GRACE_DAYS}
        GROUP BY account_id),
    inserted AS (
        INSERT INTO penalty_accruals (account_id, day, base_kop, amount_kop, entry_id)
        SELECT account_id, :through, base, amount, CASE WHEN amount > 0 THEN gen_random_uuid() END
        FROM per_account
        ON CONFLICT DO NOTHING
        RETURNING account_id, amount_kop, entry_id),
    booked AS (
        INSERT INTO ledger (entry_id, account_id, kind, amount_kop, posted_at, bucket, period, due_on,
                            external_id, description)
        SELECT entry_id, account_id, 'penalty', -amount_kop, :posted_at, 'penalties', :period, :through,
               'penalty:' || account_id || ':' || :day_text, :description
        FROM inserted WHERE amount_kop > 0
        RETURNING entry_id)
    SELECT count(*) FILTER (WHERE amount_kop > 0) AS accruals, coalesce(sum(amount_kop), 0) AS amount_kop
    FROM inserted"""


class PenaltyStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_supplier(self, supplier_id: str) -> None:
        """One accrual of a supplier at a time (the worker's replicas, staff): the second waits, then finds
        the days done. Exactly once does not rest on it (the primary key does), only the wasted work."""
        self.session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended("penalties:" + supplier_id, 0))))

    def accrue_day(self, supplier_id: str, day: dt.date, *, rate_percent: Decimal, tz: str,
                   due_day: int | None) -> tuple[int, int]:
        """Accrue one day's penalties of every account of the supplier that has none for the day; returns
        (ledger entries written, their sum in kopecks)."""
        posted_at = dt.datetime.combine(day, dt.time(23, 59, 59))
        row = self.session.execute(text(ACCRUE), dict(
            supplier_id=supplier_id, through=day, rate=rate_percent, tz=tz,
            due_day=due_day or rules.DEFAULT_DUE_DAY, period=rules.period_of(day), day_text=day.isoformat(),
            posted_at=_local(posted_at, tz), description=f"Пени за {day:%d.%m.%Y}")).one()
        return int(row.accruals), int(row.amount_kop)

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
