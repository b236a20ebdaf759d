"""The dashboard's money of several accounts in SQL, set-based: which of them the caller is bound to (with their
supplier's calendar), their balances (the ledger store's allocation, grouped by account) and each one's newest
charge (a LATERAL per account on the charges_account_posted index).

Every statement is built once at import: the dashboard asks them on every visit, and building a statement costs
about as much as running it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import any_, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Session

from services.payments.adapters.ledger_store import remainders_sql
from services.payments.adapters.orm import account_access, account_facts, suppliers
from services.payments.adapters.projection import SupplierProjection
from services.payments.domain import ledger as rules
from services.payments.domain.ledger import AccountBalance
from services.payments.domain.model import Charge, ChargeLine, Supplier

_IDS = "CAST(:ids AS uuid[])"

# The caller's bound accounts among the ids, with the supplier their facts name (NULLs while not projected).
_BOUND = (
    select(account_access.c.account_id, suppliers)
    .select_from(account_access.outerjoin(account_facts, account_facts.c.account_id == account_access.c.account_id)
                 .outerjoin(suppliers, suppliers.c.supplier_id == account_facts.c.supplier_id))
    .where(account_access.c.user_id == bindparam("user_id", type_=UUID(as_uuid=False)), account_access.c.bound,
           account_access.c.account_id == any_(bindparam("ids", type_=ARRAY(UUID(as_uuid=False))))))

# `adapters/ledger_store.py:BALANCE` of several accounts of one calendar (time zone, due day): the same
# remainders, summed per account instead of for one.
_BALANCES = text(f"""
    WITH r AS ({remainders_sql(f"l.account_id = ANY({_IDS})")}),
    sums AS (
      SELECT account_id, coalesce(sum(amount_kop) FILTER (WHERE bucket = 'energy'), 0) AS energy,
             coalesce(sum(amount_kop) FILTER (WHERE bucket = 'penalties'), 0) AS penalties
      FROM ledger WHERE account_id = ANY({_IDS}) GROUP BY account_id),
    owed AS (
      SELECT account_id,
             coalesce(sum(remainder) FILTER (WHERE bucket = 'energy'), 0) AS due_energy,
             coalesce(sum(remainder) FILTER (WHERE bucket = 'penalties'), 0) AS due_penalties,
             coalesce(sum(remainder) FILTER (WHERE bucket = 'energy' AND due < :today), 0) AS overdue,
             min(due) FILTER (WHERE bucket = 'energy' AND remainder > 0) AS due_on,
             min(due) FILTER (WHERE bucket = 'energy' AND remainder > 0 AND due < :today) AS overdue_since
      FROM r GROUP BY account_id)
    SELECT a.account_id, coalesce(s.energy, 0) AS energy, coalesce(s.penalties, 0) AS penalties,
           coalesce(o.due_energy, 0) AS due_energy, coalesce(o.due_penalties, 0) AS due_penalties,
           coalesce(o.overdue, 0) AS overdue, o.due_on, o.overdue_since
    FROM unnest({_IDS}) AS a(account_id)
    LEFT JOIN sums s ON s.account_id = a.account_id LEFT JOIN owed o ON o.account_id = a.account_id""")

# Each account's newest charge as `adapters/repository.py:ChargeRepository.list_for_account` orders them (posting
# time, newest first, then the reading taken last, then id), with its lines.
_LAST_CHARGES = text(f"""
    SELECT c.charge_id, c.account_id, c.kind, c.reading_id, c.tariff_id, c.posted_at,
           l.zone, l.consumption, l.ratio, l.price_rub, l.amount_kop
    FROM unnest({_IDS}) AS a(account_id)
    CROSS JOIN LATERAL (SELECT * FROM charges WHERE charges.account_id = a.account_id
                        ORDER BY posted_at DESC, taken_at DESC NULLS LAST, charge_id LIMIT 1) c
    LEFT JOIN charge_lines l ON l.charge_id = c.charge_id
    ORDER BY c.account_id, l.position""")


class SummariesStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def bound(self, user_id: str, account_ids: list[str]) -> dict[str, Supplier | None]:
        """Those of the ids the projection knows the user is bound to -> the supplier of each (None while its
        facts or its supplier are not projected), one query."""
        if not account_ids:
            return {}
        rows = self.session.execute(_BOUND, {"user_id": user_id, "ids": account_ids}).mappings()
        return {row["account_id"]: None if row["supplier_id"] is None else Supplier(
            supplier_id=row["supplier_id"], **{name: row[name] for name in SupplierProjection.FIELDS})
            for row in rows}

    def balances(self, account_ids: list[str], *, today: dt.date, tz: str,
                 due_day: int | None) -> dict[str, AccountBalance]:
        """The balance of each account (all of one supplier calendar), as `LedgerStore.balance` gives it."""
        if not account_ids:
            return {}
        rows = self.session.execute(_BALANCES, dict(ids=account_ids, today=today, tz=tz,
                                                    due_day=due_day or rules.DEFAULT_DUE_DAY))
        return {str(r.account_id): AccountBalance(
            account_id=str(r.account_id), energy_kop=int(r.energy), penalties_kop=int(r.penalties),
            amount_due_energy_kop=int(r.due_energy), amount_due_penalties_kop=int(r.due_penalties),
            overdue_kop=int(r.overdue), due_on=r.due_on, overdue_since=r.overdue_since) for r in rows}

    def last_charges(self, account_ids: list[str]) -> dict[str, Charge]:
        """The newest charge of each account that has one, with its lines."""
        if not account_ids:
            return {}
        heads: dict[str, dict] = {}
        lines: dict[str, list[ChargeLine]] = defaultdict(list)
        for r in self.session.execute(_LAST_CHARGES, {"ids": account_ids}).mappings():
            account_id = str(r["account_id"])
            heads.setdefault(account_id, r)
            if r["zone"] is not None:
                lines[account_id].append(ChargeLine(zone=r["zone"], consumption=r["consumption"], ratio=r["ratio"],
                                                    price_rub=r["price_rub"], amount_kop=r["amount_kop"]))
        return {a: Charge(charge_id=str(h["charge_id"]), account_id=a, kind=h["kind"],
                          reading_id=str(h["reading_id"]) if h["reading_id"] else None,
                          tariff_id=str(h["tariff_id"]) if h["tariff_id"] else None, lines=tuple(lines[a]),
                          posted_at=h["posted_at"])
                for a, h in heads.items()}
