"""The ledger in SQL: balances by bucket, oldest-first allocation (window functions) and the ledger list.

The allocation agrees with `domain/ledger.py` (a hypothesis test runs both on random ledgers): a reversal
counts together with the entry it reverses; a debt's due date is its own or that of its period's bill; within
a bucket, the unpaid remainder of debt i is clamp(cumulative_owed_i − paid_total, 0, owed_i) in order of due
date, posting time, id.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from kit.errors import InvalidInput
from kit.ids import is_uuid
from services.payments.domain import ledger as rules
from services.payments.domain.ledger import AccountBalance, Debt
from services.payments.domain.model import LedgerEntry


def booked(alias: str) -> str:
    """SQL: the day an entry counts from (`domain/ledger.py:booked_on`)."""
    return f"coalesce({alias}.paid_on, ({alias}.posted_at AT TIME ZONE :tz)::date)"


def effective_due(alias: str) -> str:
    """SQL: a debt's due date (`domain/ledger.py:effective_due_on`): its own, or the due day of the month after
    its period (or after the month it was posted in)."""
    month = f"coalesce({alias}.period, ({alias}.posted_at AT TIME ZONE :tz)::date)"
    first = f"({month} - (extract(day FROM {month})::int - 1))"
    return f"coalesce({alias}.due_on, (({first} + interval '1 month')::date + (:due_day - 1)))"


def netted_entries(scope: str, *, through: bool) -> str:
    """SQL of CTEs `s` (the entries of `scope`, a condition on alias l: one account, one supplier's accounts;
    with `through`, only those booked on or before :through — the ledger as it stood at the end of that day)
    and `e` (the same with a reversal netted into the entry it reverses where both are in `s`,
    `domain/ledger.py:net_of_reversals`; columns account_id, entry_id, bucket, posted_at, due, amount)."""
    day = f" AND {booked('l')} <= :through" if through else ""
    return f"""
        s AS (
            SELECT l.account_id, l.entry_id, l.bucket, l.posted_at, l.amount_kop, l.reverses, {effective_due('l')} AS due
            FROM ledger l WHERE {scope}{day}),
        e AS (
            SELECT l.account_id, l.entry_id, l.bucket, l.posted_at, l.due, l.amount_kop + coalesce(r.amount_kop, 0) AS amount
            FROM s l LEFT JOIN s r ON r.reverses = l.entry_id
            WHERE l.reverses IS NULL OR NOT EXISTS (SELECT 1 FROM s t WHERE t.entry_id = l.reverses))"""


def remainders_sql(scope: str, *, through: bool = False) -> str:
    """SQL: every debt of `scope` with its unpaid remainder (`domain/ledger.py:allocate`), per account and
    bucket; columns account_id, bucket, entry_id, due, posted_at, owed, remainder."""
    return f"""
        WITH {netted_entries(scope, through=through)},
        debts AS (
            SELECT account_id, bucket, entry_id, due, posted_at, -amount AS owed,
                   sum(-amount) OVER (PARTITION BY account_id, bucket ORDER BY due, posted_at, entry_id
                                      ROWS UNBOUNDED PRECEDING) AS owed_so_far
            FROM e WHERE amount < 0),
        paid AS (SELECT account_id, bucket, sum(amount) AS paid FROM e WHERE amount > 0 GROUP BY account_id, bucket)
        SELECT d.account_id, d.bucket, d.entry_id, d.due, d.posted_at, d.owed,
               greatest(0, least(d.owed, d.owed_so_far - coalesce(p.paid, 0))) AS remainder
        FROM debts d LEFT JOIN paid p ON p.account_id = d.account_id AND p.bucket = d.bucket"""


BALANCE = f"""
    WITH r AS ({remainders_sql("l.account_id = :account_id")})
    SELECT
      (SELECT coalesce(sum(amount_kop) FILTER (WHERE bucket = 'energy'), 0) FROM ledger
        WHERE account_id = :account_id) AS energy,
      (SELECT coalesce(sum(amount_kop) FILTER (WHERE bucket = 'penalties'), 0) FROM ledger
        WHERE account_id = :account_id) AS penalties,
      coalesce(sum(remainder) FILTER (WHERE bucket = 'energy'), 0) AS due_energy,
      coalesce(sum(remainder) FILTER (WHERE bucket = 'penalties'), 0) AS due_penalties,
      coalesce(sum(remainder) FILTER (WHERE bucket = 'energy' AND due < :today), 0) AS overdue,
      min(due) FILTER (WHERE bucket = 'energy' AND remainder > 0) AS due_on,
      min(due) FILTER (WHERE bucket = 'energy' AND remainder > 0 AND due < :today) AS overdue_since
    FROM r"""


@dataclass(frozen=True)
class Page:
    entries: list[LedgerEntry]
    next_token: str


class LedgerStore:
    """The ledger's reads of one account in SQL. `tz` is the supplier's IANA zone, `due_day` its payment due
    day (None: the default)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def balance(self, account_id: str, *, today: dt.date, tz: str, due_day: int | None) -> AccountBalance:
        row = self.session.execute(text(BALANCE), dict(
            account_id=account_id, today=today, tz=tz, due_day=due_day or rules.DEFAULT_DUE_DAY)).one()
        return AccountBalance(
            account_id=account_id, energy_kop=int(row.energy), penalties_kop=int(row.penalties),
            amount_due_energy_kop=int(row.due_energy), amount_due_penalties_kop=int(row.due_penalties),
            overdue_kop=int(row.overdue), due_on=row.due_on, overdue_since=row.overdue_since)

    def remainders(self, account_id: str, *, tz: str, due_day: int | None) -> list[Debt]:
        """Every debt of the account with its unpaid remainder, by bucket, oldest first."""
        rows = self.session.execute(text(remainders_sql("l.account_id = :account_id")
                                         + " ORDER BY d.bucket, d.due, d.posted_at, d.entry_id"),
                                    dict(account_id=account_id, tz=tz,
                                         due_day=due_day or rules.DEFAULT_DUE_DAY)).all()
        return [Debt(entry_id=str(r.entry_id), bucket=r.bucket, due_on=r.due, posted_at=r.posted_at,
                     owed_kop=int(r.owed), remainder_kop=int(r.remainder)) for r in rows]

    def charged_by_period(self, account_id: str, *, since: dt.date | None) -> dict[dt.date, int]:
        """Per billing period: −(its charge, reversal and adjustment entries), as an invoice's «начислено» counts
        (`adapters/billing_store.py:BillingStore._invoices`)."""
        rows = self.session.execute(text("""
            SELECT period, -sum(amount_kop) AS charged FROM ledger
            WHERE account_id = :account_id AND kind IN ('charge', 'adjustment') AND period IS NOT NULL
              AND (CAST(:since AS date) IS NULL OR period >= :since)
            GROUP BY period ORDER BY period"""), {"account_id": account_id, "since": since}).all()
        return {r.period: int(r.charged) for r in rows}

    def page(self, account_id: str, *, period: dt.date | None, size: int, token: str, tz: str,
             due_day: int | None = None) -> Page:
        """Entries newest first (posting time, then id), `size` of them after the position of `token`, of one
        billing period when given (an entry without one belongs to the month it was posted in). A debt carries
        its effective due date (`domain/ledger.py:effective_due_on`)."""
        where = ["account_id = :account_id"]
        params: dict = dict(account_id=account_id, tz=tz, size=size + 1, due_day=due_day or rules.DEFAULT_DUE_DAY)
        if period is not None:
            where.append("coalesce(period, date_trunc('month', posted_at AT TIME ZONE :tz)::date) = :period")
            params["period"] = period
        if token:
            params["after_at"], params["after_id"] = decode_token(token)
            where.append("(posted_at, entry_id) < (:after_at, CAST(:after_id AS uuid))")
        rows = self.session.execute(text(
            f"SELECT *, CASE WHEN amount_kop < 0 THEN {effective_due('ledger')} END AS debt_due_on FROM ledger "
            f"WHERE {' AND '.join(where)} ORDER BY posted_at DESC, entry_id DESC LIMIT :size"),
            params).mappings().all()
        entries = [_entry(r) for r in rows[:size]]
        more = len(rows) > size
        return Page(entries=entries, next_token=encode_token(entries[-1]) if more and entries else "")


def _entry(row) -> LedgerEntry:
    return LedgerEntry(
        entry_id=str(row["entry_id"]), account_id=str(row["account_id"]), kind=row["kind"],
        amount_kop=int(row["amount_kop"]), posted_at=row["posted_at"],
        charge_id=str(row["charge_id"]) if row["charge_id"] else None, bucket=row["bucket"], period=row["period"],
        due_on=row["debt_due_on"], external_id=row["external_id"],
        reverses=str(row["reverses"]) if row["reverses"] else None,
        run_id=str(row["run_id"]) if row["run_id"] else None, channel=row["channel"], paid_on=row["paid_on"],
        description=row["description"])


def encode_token(entry: LedgerEntry) -> str:
    """The position after `entry` in the list, opaque to clients."""
    raw = f"{entry.posted_at.isoformat()}|{entry.entry_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        at, entry_id = raw.split("|")
        moment = dt.datetime.fromisoformat(at)
        if moment.tzinfo is None or not is_uuid(entry_id):
            raise ValueError(raw)
        return moment, entry_id
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(fields={"page_token": "Неверная ссылка на страницу."}) from exc
