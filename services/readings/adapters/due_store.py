"""The due flag's queries and the reminders' set-based planning (readings_due_notices + the outbox)."""

from __future__ import annotations

import datetime as dt

from kabinet.readings.v1 import readings_pb2 as pb
from sqlalchemy import Date, any_, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.orm import Session

from kit.context import request_id
from kit.events import Event
from kit.outbox import copy_events
from kit.tracing import traceparent
from services.readings.adapters.orm import account_facts, readings, readings_due_runs
from services.readings.domain.due import Plan

COUNTED = ("accepted", "billed")  # a reading in one of these statuses counts for its period

# One chunk of a supplier's accounts, in id order: the eligible ones (not АИИС КУЭ, nothing counted for the
# period) get the notice unless they have it; the reply names the chunk's last account and those planned.
PLAN = text("""
WITH chunk AS (
    SELECT account_id, automatic_metering FROM account_facts
    WHERE supplier_id = CAST(:supplier_id AS uuid) AND account_id > CAST(:after AS uuid)
    ORDER BY account_id LIMIT :chunk
), planned AS (
    INSERT INTO readings_due_notices (account_id, period, kind, supplier_id)
    SELECT c.account_id, CAST(:period AS date), :kind, CAST(:supplier_id AS uuid) FROM chunk c
    WHERE NOT c.automatic_metering AND NOT EXISTS (
        SELECT 1 FROM readings r
        WHERE r.account_id = c.account_id AND r.period = CAST(:period AS date) AND r.status IN ('accepted', 'billed'))
    ON CONFLICT DO NOTHING
    RETURNING account_id
)
SELECT (SELECT account_id FROM chunk ORDER BY account_id DESC LIMIT 1) AS last,
       (SELECT coalesce(array_agg(account_id::text), '{}') FROM planned) AS planned
""")
FIRST_ID = "00000000-0000-0000-0000-000000000000"


class DueStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def counted_periods(self, pairs: list[tuple[str, dt.date]]) -> set[tuple[str, dt.date]]:
        """Which of these (account, period) pairs have a reading that counts for the period."""
        if not pairs:
            return set()
        rows = self.session.execute(
            select(readings.c.account_id, readings.c.period).distinct()
            .where(readings.c.account_id == any_(bindparam("ids", sorted({a for a, _ in pairs}),
                                                           type_=ARRAY(UUID(as_uuid=False)))))
            .where(readings.c.period == any_(bindparam("periods", sorted({p for _, p in pairs}),
                                                       type_=ARRAY(Date))))
            .where(readings.c.status.in_(COUNTED)))
        wanted = set(pairs)
        return {(r.account_id, r.period) for r in rows} & wanted

    def supplier_ids(self) -> list[str]:
        """The suppliers of the projected accounts."""
        return list(self.session.scalars(select(account_facts.c.supplier_id).distinct()))

    def lock_supplier(self, supplier_id: str) -> None:
        """Concurrent runs plan one supplier's chunks one at a time (the unique key alone keeps them exact; the
        lock keeps two runs from waiting on each other's rows in different orders)."""
        self.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                             {"key": f"readings.due:{supplier_id}"})

    def planned_on(self, supplier_id: str, kind: str, day: dt.date) -> bool:
        """Whether the supplier's reminders of this kind had their full pass on this (local) day."""
        return self.session.execute(select(readings_due_runs.c.planned).where(
            readings_due_runs.c.supplier_id == supplier_id, readings_due_runs.c.kind == kind,
            readings_due_runs.c.day == day)).first() is not None

    def mark_planned(self, supplier_id: str, kind: str, day: dt.date, planned: int) -> None:
        self.session.execute(insert(readings_due_runs).values(supplier_id=supplier_id, kind=kind, day=day,
                                                              planned=planned).on_conflict_do_nothing())

    def plan_chunk(self, plan: Plan, kind: str, *, after: str | None, chunk: int,
                   producer: str) -> tuple[str | None, int]:
        """One chunk's notices and their readings.due events (COPY into the outbox, this transaction): (the chunk's
        last account id — None when there were no more —, how many were planned)."""
        row = self.session.execute(PLAN, {"supplier_id": plan.supplier_id, "after": after or FIRST_ID,
                                          "chunk": chunk, "period": plan.period, "kind": kind}).one()
        # made once for the chunk, not per event: the moment (the real one, also under the test clock) and the trace
        stamp = (dt.datetime.now(dt.UTC), request_id(), traceparent())
        copy_events(self.session, producer, [due_notice(account_id, plan, kind, stamp) for account_id in row.planned])
        return row.last, len(row.planned)


def due_notice(account_id: str, plan: Plan, kind: str, stamp: tuple[dt.datetime, str, str]) -> Event:
    """readings.due: what notify's reminder says (the period and the window's dates)."""
    return Event(type="readings.due", aggregate_id=account_id, occurred_at=stamp[0], trace_id=stamp[1],
                 traceparent=stamp[2], payload=pb.ReadingsDueNotice(
                     account_id=account_id, supplier_id=plan.supplier_id, period=f"{plan.period:%Y-%m}", kind=kind,
                     window_from=plan.window_from.isoformat(), window_to=plan.window_to.isoformat()))
