"""The billing run's tables and its set-based SQL: one chunk of accounts (in account_id order) billed in one
transaction — final charges and their lines, ledger entries and the reversals of the period's preliminary
entries, skipped accounts, invoices numbered from `invoice_counters`, the run's cursor and counters.

The rules are those of `domain/billing.py` (the reference; an integration test compares the two):

* usage: the period's preliminary charge lines summed by (zone count, zone) — basis readings; else, with
  ≥ 6 final charges by readings in the 12 periods before and not 3 by the average just before, the average
  of their lines, half up to 0.001 kWh — basis average; else the norm in force on the period's last day ×
  residents, one-zone — basis norm; else the account is skipped (`no_basis`);
* pricing: the run's tariff segments (`Segment`s per category, computed in Python as the run (re)starts)
  share each zone's kWh out by days, cumulatively rounded to 0.001 kWh; each line is round(kWh × price × 100), half up
  (PostgreSQL's round of a positive numeric);
* invoices: numbers are taken with `UPDATE invoice_counters … RETURNING` late in the chunk's transaction: the
  counter's row lock serializes the runs of a supplier until they commit, and a rolled back chunk gives its
  numbers back — no gap, no reuse.

Invoice sums: an entry belongs to its `period`, or (payments and the like, which have none) to the local
month of its posted_at. opening = the entries of earlier periods; charged = −(charges, their reversals and
adjustments of the period); paid = payments of the period; penalties = −penalty entries of the period;
closing = opening + every entry of the period; amount due per bucket = max(0, −(the bucket's entries up to
the period + its payments and refunds booked since)).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from kit.db import driver_rows
from kit.events import Event
from kit.outbox import copy_events
from services.payments.domain import billing as rules
from services.payments.domain.model import Tariff

NIL = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class Run:
    run_id: str
    supplier_id: str
    period: dt.date
    status: str
    as_of: dt.date
    started_by: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    cursor: str | None
    accounts_total: int
    accounts_done: int
    accounts_billed: int
    accounts_skipped: int
    by_readings: int
    by_average: int
    by_norm: int
    charged_kop: int
    invoices: int
    skipped: tuple[tuple[str, str, str], ...] = ()  # (account_id, reason, message), the first 100


@dataclass(frozen=True)
class ChunkResult:
    accounts: int  # taken from the cursor on; 0: the run has passed the last account
    billed: int
    skipped: int
    charged_kop: int
    invoices: list[tuple[str, str, int, int]]  # (invoice_id, account_id, number, amount_due_kop)


@dataclass(frozen=True)
class ChunkContext:
    run_id: str
    supplier_id: str
    period: dt.date
    due_on: dt.date
    timezone: str
    segments: dict[str, list[rules.Segment]]  # category -> the tariffs of the period's days
    category_problems: dict[str, tuple[str, str]]  # category -> (reason, message)


RUN_COLUMNS = ("run_id, supplier_id, period, status, as_of, started_by, started_at, finished_at, cursor, "
               "accounts_total, accounts_done, accounts_billed, accounts_skipped, by_readings, by_average, "
               "by_norm, charged_kop, invoices")


def _run(row, skipped: tuple = ()) -> Run:
    ids = {k: str(row[k]) if row[k] is not None else None for k in ("run_id", "supplier_id", "cursor")}
    return Run(**(dict(row) | ids), skipped=skipped)


def _key(kind: str, supplier_id: str, period: dt.date) -> str:
    return f"billing-{kind}:{supplier_id}:{period.isoformat()}"


# every preliminary charge asks these two: plain SQL through the driver (kit.db.driver_rows)
_CLOSE_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(%(k)s, 0))"
_CLOSE_LOCK_SHARED = "SELECT pg_advisory_xact_lock_shared(hashtextextended(%(k)s, 0))"
_BILLED_PERIODS = "SELECT period FROM billing_runs WHERE supplier_id = %(s)s AND period >= %(p)s AND status <> 'failed'"


class BillingStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _x(self, sql: str, **params):
        return self.session.execute(text(sql), params)

    # --- locks -------------------------------------------------------------------------

    def close_period_lock(self, supplier_id: str, period: dt.date, *, shared: bool = False) -> None:
        """Until the transaction ends: exclusive while a run of the period is created, shared while a reading
        of it is charged — so a charge either commits before the run exists or sees it (and becomes an
        adjustment of the next open period)."""
        driver_rows(self.session, _CLOSE_LOCK_SHARED if shared else _CLOSE_LOCK, {"k": _key("close", supplier_id, period)})

    @contextlib.contextmanager
    def ownership(self, run: Run) -> Iterator[bool]:
        """The right to execute a run: a session advisory lock on a connection of its own, held while the
        chunks go. A process killed mid-run loses its connection and so the lock: a run `running` whose lock
        is free is orphaned, and whoever takes the lock resumes it."""
        connection = self.session.get_bind().connect()
        key = _key("owner", run.supplier_id, run.period)
        try:
            owned = bool(connection.execute(text("SELECT pg_try_advisory_lock(hashtextextended(:k, 0))"),
                                            {"k": key}).scalar_one())
            connection.commit()
            try:
                yield owned
            finally:
                if owned:
                    connection.execute(text("SELECT pg_advisory_unlock(hashtextextended(:k, 0))"), {"k": key})
                    connection.commit()
        finally:
            connection.close()

    # --- runs -----------------------------------------------------------------------------

    def live_run(self, supplier_id: str, period: dt.date) -> Run | None:
        row = self._x(f"SELECT {RUN_COLUMNS} FROM billing_runs WHERE supplier_id = CAST(:s AS uuid) "
                      "AND period = :p AND status <> 'failed'", s=supplier_id, p=period).mappings().first()
        return None if row is None else _run(row)

    def get(self, run_id: str, *, for_update: bool = False, with_skips: bool = False) -> Run | None:
        row = self._x(f"SELECT {RUN_COLUMNS} FROM billing_runs WHERE run_id = CAST(:r AS uuid)"
                      + (" FOR UPDATE" if for_update else ""), r=run_id).mappings().first()
        if row is None:
            return None
        return _run(row, skipped=self.skips(run_id) if with_skips else ())

    def skips(self, run_id: str, limit: int = 100) -> tuple[tuple[str, str, str], ...]:
        rows = self._x("SELECT account_id, reason, message FROM billing_skips WHERE run_id = CAST(:r AS uuid) "
                       "ORDER BY account_id LIMIT :n", r=run_id, n=limit).all()
        return tuple((str(a), reason, message) for a, reason, message in rows)

    def find(self, *, supplier_id: str = "", period: dt.date | None = None, limit: int = 100) -> list[Run]:
        where, params = ["TRUE"], {"n": limit}
        if supplier_id:
            where.append("supplier_id = CAST(:s AS uuid)")
            params["s"] = supplier_id
        if period:
            where.append("period = :p")
            params["p"] = period
        rows = self._x(f"SELECT {RUN_COLUMNS} FROM billing_runs WHERE {' AND '.join(where)} "
                       "ORDER BY started_at DESC, run_id LIMIT :n", **params).mappings().all()
        return [_run(row) for row in rows]

    def running(self) -> list[Run]:
        rows = self._x(f"SELECT {RUN_COLUMNS} FROM billing_runs WHERE status = 'running' "
                       "ORDER BY started_at").mappings().all()
        return [_run(row) for row in rows]

    def create(self, *, supplier_id: str, period: dt.date, as_of: dt.date, started_by: str) -> Run:
        """A new run, `running`, with the supplier's accounts counted; its invoice counter exists from now on."""
        run_id = str(uuid.uuid4())
        self._x("INSERT INTO billing_runs (run_id, supplier_id, period, status, as_of, started_by, accounts_total) "
                "SELECT CAST(:r AS uuid), CAST(:s AS uuid), :p, 'running', :a, :by, count(*) FROM account_facts "
                "WHERE supplier_id = CAST(:s AS uuid)", r=run_id, s=supplier_id, p=period, a=as_of, by=started_by)
        self._x("INSERT INTO invoice_counters (supplier_id, last_number) VALUES (CAST(:s AS uuid), 0) "
                "ON CONFLICT DO NOTHING", s=supplier_id)
        return self.get(run_id)

    def finish(self, run_id: str) -> Run:
        self._x("UPDATE billing_runs SET status = 'done', finished_at = now(), "
                "accounts_total = greatest(accounts_total, accounts_done) WHERE run_id = CAST(:r AS uuid)", r=run_id)
        return self.get(run_id)

    def billed_periods(self, supplier_id: str, since: dt.date) -> list[dt.date]:
        """Periods from `since` on that have a run (running or done): closed to new preliminary charges."""
        return [row["period"] for row in driver_rows(self.session, _BILLED_PERIODS, {"s": supplier_id, "p": since})]

    def supplier_ids(self) -> list[str]:
        """Every projected supplier."""
        return [str(s) for s in self._x("SELECT supplier_id FROM suppliers ORDER BY supplier_id").scalars()]

    def tariffs_of(self, supplier_id: str) -> list[Tariff]:
        rows = self._x("SELECT t.tariff_id, t.category, t.valid_from, p.zones, p.zone, p.price_rub "
                       "FROM tariffs t JOIN tariff_prices p USING (tariff_id) WHERE t.supplier_id = CAST(:s AS uuid)",
                       s=supplier_id).all()
        heads: dict[str, tuple[str, dt.date]] = {}
        prices: dict[str, dict[int, dict]] = {}
        for tariff_id, category, valid_from, zones, zone, price in rows:
            heads[str(tariff_id)] = (category, valid_from)
            prices.setdefault(str(tariff_id), {}).setdefault(zones, {})[zone] = price
        return [Tariff(tariff_id=tid, supplier_id=supplier_id, category=c, valid_from=v, prices=prices[tid])
                for tid, (c, v) in heads.items()]

    # --- one chunk ---------------------------------------------------------------------------

    def bill_chunk(self, run: Run, ctx: ChunkContext, *, size: int, now: dt.datetime) -> ChunkResult:
        """Bill the next `size` accounts after the run's cursor and advance it — all in the caller's
        transaction. Accounts that have a final charge of the period already are passed over (done, not
        counted again): idempotency rests on charges_one_final and invoices_one_per_period."""
        p = dict(s=run.supplier_id, p=run.period, pend=rules.last_day(run.period), dim=rules.days_in(run.period),
                 p12=rules.add_months(run.period, -rules.AVERAGE_WINDOW),
                 p3=rules.add_months(run.period, -rules.AVERAGE_MAX_RUN), r=run.run_id, now=now, due=ctx.due_on,
                 tz=ctx.timezone, c=run.cursor or NIL, n=size)
        x = self._x
        x("SET LOCAL work_mem = '64MB'")  # the chunk's sorts and hashes stay in memory
        x("CREATE TEMP TABLE bc ON COMMIT DROP AS SELECT account_id, category, residents FROM account_facts "
          "WHERE supplier_id = CAST(:s AS uuid) AND account_id > CAST(:c AS uuid) ORDER BY account_id LIMIT :n", **p)
        bounds = x("SELECT (SELECT account_id FROM bc ORDER BY account_id LIMIT 1), "
                   "(SELECT account_id FROM bc ORDER BY account_id DESC LIMIT 1), count(*) FROM bc").one()
        if not bounds[2]:
            return ChunkResult(0, 0, 0, 0, [])
        # the chunk is a range of account ids: every lookup of its charges and entries is an index range scan
        p |= dict(lo=str(bounds[0]), hi=str(bounds[1]))
        last = (bounds[1], bounds[2])
        x("ANALYZE bc")
        # accounts billed already (a final charge of the period): done, nothing more to do for them
        x("DELETE FROM bc USING charges c WHERE c.account_id = bc.account_id AND c.kind = 'final' "
          "AND c.period = :p AND c.account_id BETWEEN CAST(:lo AS uuid) AND CAST(:hi AS uuid)", **p)
        self._segments(ctx)
        self._usage(p)
        self._lines(p)
        skipped = self._skips(p, ctx)
        billed, charged = self._charges(p)
        invoices = self._invoices(p) if billed else []
        x("UPDATE billing_runs SET cursor = CAST(:last AS uuid), accounts_done = accounts_done + :done, "
          "accounts_billed = accounts_billed + :billed, accounts_skipped = accounts_skipped + :skipped, "
          "by_readings = by_readings + (SELECT count(*) FROM bf WHERE basis = 'readings'), "
          "by_average = by_average + (SELECT count(*) FROM bf WHERE basis = 'average'), "
          "by_norm = by_norm + (SELECT count(*) FROM bf WHERE basis = 'norm'), "
          "charged_kop = charged_kop + :charged, invoices = invoices + :inv WHERE run_id = CAST(:r AS uuid)",
          last=str(last[0]), done=last[1], billed=billed, skipped=skipped, charged=charged, inv=len(invoices), **p)
        return ChunkResult(last[1], billed, skipped, charged, invoices)

    def write_events(self, events: list[Event], producer: str) -> None:
        """The chunk's events into the outbox with COPY, in the chunk's transaction."""
        copy_events(self.session, producer, events)

    def recipients(self, account_ids: list[str]) -> dict[str, tuple[str, str, list[str]]]:
        """account id -> (number, bill delivery, the customers bound to it now), for payments.invoice.issued."""
        rows = self._x(
            "SELECT f.account_id, coalesce(f.number, ''), coalesce(f.bill_delivery, ''), "
            "  coalesce(array_agg(a.user_id ORDER BY a.user_id) FILTER (WHERE a.user_id IS NOT NULL), '{}') "
            "FROM account_facts f LEFT JOIN account_access a ON a.account_id = f.account_id AND a.bound "
            "WHERE f.account_id = ANY(CAST(:ids AS uuid[])) GROUP BY f.account_id", ids=account_ids)
        return {str(a): (number, delivery, [str(u) for u in users]) for a, number, delivery, users in rows}

    def _segments(self, ctx: ChunkContext) -> None:
        self._x("CREATE TEMP TABLE segs (category text, tariff_id uuid, days int, ord int, cum_before int, "
                "cum_after int) ON COMMIT DROP")
        rows = []
        for category, segments in ctx.segments.items():
            covered = 0
            for i, s in enumerate(segments):
                rows.append(dict(c=category, t=s.tariff.tariff_id, d=s.days, o=i, b=covered, a=covered + s.days))
                covered += s.days
        if rows:
            self.session.execute(text("INSERT INTO segs VALUES (:c, CAST(:t AS uuid), :d, :o, :b, :a)"), rows)

    def _usage(self, p: dict) -> None:
        x = self._x
        # by readings: the period's preliminary charges (a line without its zone count: its charge's line count)
        x("CREATE TEMP TABLE bu ON COMMIT DROP AS "
          "SELECT account_id, 'readings'::text AS basis, zones, zone, sum(kwh) AS kwh FROM ("
          "  SELECT c.account_id, coalesce(l.zones, l.lines)::int AS zones, l.zone, l.consumption * l.ratio AS kwh"
          # the chunk's account range bounds the period's charges; LATERAL: each charge's lines by their primary
          # key, never a scan of every line
          "  FROM bc JOIN charges c ON c.account_id = bc.account_id AND c.kind = 'preliminary' AND c.period = :p"
          "   AND c.replaced_by IS NULL"  # a corrected reading's charge is replaced (its entry reversed already)
          "   AND c.account_id BETWEEN CAST(:lo AS uuid) AND CAST(:hi AS uuid)"
          "  CROSS JOIN LATERAL (SELECT zones, zone, consumption, ratio, count(*) OVER () AS lines"
          "    FROM charge_lines l WHERE l.charge_id = c.charge_id) l) r GROUP BY account_id, zones, zone", **p)
        x("ANALYZE bu")
        # by the average: ≥ 6 final charges by readings among the last 12 periods, not 3 averages in a row
        x("INSERT INTO bu "
          "WITH h AS ("
          "  SELECT bc.account_id, c.period, c.basis, c.charge_id FROM bc"
          # LATERAL: each account's final charges by charges_one_final, not a scan of the year's final charges
          "  CROSS JOIN LATERAL (SELECT period, basis, charge_id FROM charges c WHERE c.account_id = bc.account_id"
          "    AND c.kind = 'final' AND c.period >= :p12 AND c.period < :p) c"
          "  WHERE NOT EXISTS (SELECT 1 FROM bu WHERE bu.account_id = bc.account_id)), "
          "ok AS ("
          "  SELECT account_id, count(*) FILTER (WHERE basis = 'readings') AS n FROM h GROUP BY account_id"
          "  HAVING count(*) FILTER (WHERE basis = 'readings') >= 6"
          "     AND count(*) FILTER (WHERE basis = 'average' AND period >= :p3) < 3) "
          "SELECT h.account_id, 'average', l.zones, l.zone, round(sum(l.consumption * l.ratio) / ok.n, 3) "
          "FROM ok JOIN h ON h.account_id = ok.account_id AND h.basis = 'readings' "
          "CROSS JOIN LATERAL (SELECT zones, zone, consumption, ratio FROM charge_lines l "
          "  WHERE l.charge_id = h.charge_id) l GROUP BY h.account_id, l.zones, l.zone, ok.n", **p)
        # by the norm in force on the period's last day: kWh per resident × residents, one-zone
        x("INSERT INTO bu "
          "SELECT bc.account_id, 'norm', 1, 'total', n.kwh_per_month * bc.residents FROM bc "
          "JOIN LATERAL (SELECT kwh_per_month FROM consumption_norms n WHERE n.supplier_id = CAST(:s AS uuid) "
          "  AND n.category = bc.category AND n.residents = bc.residents AND n.valid_from <= :pend "
          "  ORDER BY n.valid_from DESC LIMIT 1) n ON TRUE "
          "WHERE bc.residents > 0 AND NOT EXISTS (SELECT 1 FROM bu WHERE bu.account_id = bc.account_id)", **p)
        x("ANALYZE bu")

    def _lines(self, p: dict) -> None:
        self._x(
            "CREATE TEMP TABLE bl ON COMMIT DROP AS "
            "SELECT bu.account_id, bu.basis, bu.zones, bu.zone, s.tariff_id, s.days, s.ord, pr.price_rub, "
            "  (CASE WHEN s.cum_after = :dim THEN bu.kwh ELSE round(bu.kwh * s.cum_after / :dim, 3) END)"
            "  - (CASE WHEN s.cum_before = 0 THEN 0 ELSE round(bu.kwh * s.cum_before / :dim, 3) END) AS kwh "
            "FROM bu JOIN bc ON bc.account_id = bu.account_id JOIN segs s ON s.category = bc.category "
            "LEFT JOIN tariff_prices pr ON pr.tariff_id = s.tariff_id AND pr.zones = bu.zones AND pr.zone = bu.zone",
            **p)

    def _skips(self, p: dict, ctx: ChunkContext) -> int:
        """Accounts without a final charge, with the reason: no basis, no tariff for every day of the period
        (by category, `ctx.category_problems`), a zone set the tariff does not price."""
        problems = [dict(c=c, reason=reason, message=message) for c, (reason, message) in ctx.category_problems.items()]
        self._x("CREATE TEMP TABLE bcat (category text, reason text, message text) ON COMMIT DROP")
        if problems:
            self.session.execute(text("INSERT INTO bcat VALUES (:c, :reason, :message)"), problems)
        self._x(
            "CREATE TEMP TABLE bs ON COMMIT DROP AS "
            "SELECT bc.account_id, CASE"
            "  WHEN NOT EXISTS (SELECT 1 FROM bu WHERE bu.account_id = bc.account_id) THEN 'no_basis'"
            "  WHEN cat.reason IS NOT NULL THEN cat.reason"
            "  WHEN NOT EXISTS (SELECT 1 FROM segs WHERE segs.category = bc.category) THEN 'tariff_not_found'"
            "  ELSE 'tariff_zones_missing' END AS reason, CASE"
            "  WHEN NOT EXISTS (SELECT 1 FROM bu WHERE bu.account_id = bc.account_id)"
            "    THEN 'Нет показаний за период, истории для среднего и норматива.'"
            "  WHEN cat.reason IS NOT NULL THEN cat.message"
            "  WHEN NOT EXISTS (SELECT 1 FROM segs WHERE segs.category = bc.category)"
            "    THEN format('Нет тарифа для категории «%s».', bc.category)"
            "  ELSE 'В тарифе нет цен для зон прибора учёта.' END AS message "
            "FROM bc LEFT JOIN bcat cat ON cat.category = bc.category "
            "WHERE NOT EXISTS (SELECT 1 FROM bl WHERE bl.account_id = bc.account_id)"
            "   OR EXISTS (SELECT 1 FROM bl WHERE bl.account_id = bc.account_id AND bl.price_rub IS NULL)")
        return self._x("INSERT INTO billing_skips (run_id, account_id, reason, message) "
                       "SELECT CAST(:r AS uuid), account_id, reason, message FROM bs ON CONFLICT DO NOTHING",
                       **p).rowcount

    def _charges(self, p: dict) -> tuple[int, int]:
        x = self._x
        x("CREATE TEMP TABLE bf ON COMMIT DROP AS "
          "SELECT account_id, min(basis) AS basis, sum(round(kwh * price_rub * 100))::bigint AS amount_kop, "
          "  uuidv7() AS charge_id FROM bl "
          "WHERE NOT EXISTS (SELECT 1 FROM bs WHERE bs.account_id = bl.account_id) GROUP BY account_id")
        billed, charged = x("SELECT count(*), coalesce(sum(amount_kop), 0) FROM bf").one()
        if not billed:
            return 0, 0
        x("INSERT INTO charges (charge_id, account_id, kind, amount_kop, posted_at, period, run_id, basis) "
          "SELECT charge_id, account_id, 'final', amount_kop, :now, :p, CAST(:r AS uuid), basis FROM bf", **p)
        x("INSERT INTO charge_lines (charge_id, position, zone, consumption, ratio, price_rub, amount_kop, zones, "
          "  tariff_id, days) "
          "SELECT bf.charge_id, row_number() OVER (PARTITION BY bl.account_id ORDER BY bl.zones, bl.zone, bl.ord) - 1, "
          "  bl.zone, bl.kwh, 1, bl.price_rub, round(bl.kwh * bl.price_rub * 100)::bigint, bl.zones, bl.tariff_id, "
          "  bl.days "
          "FROM bl JOIN bf ON bf.account_id = bl.account_id", **p)
        title = rules.period_title(p["p"])
        # the reversals first: the period's entries of preliminary charges (before the final's entry joins them)
        x("INSERT INTO ledger (entry_id, account_id, kind, amount_kop, posted_at, bucket, period, due_on, reverses, "
          "  run_id, description) "
          "SELECT uuidv7(), l.account_id, l.kind, -l.amount_kop, :now, l.bucket, :p, :due, l.entry_id, "
          "  CAST(:r AS uuid), :d "
          "FROM ledger l JOIN bf ON bf.account_id = l.account_id "
          "JOIN charges c ON c.charge_id = l.charge_id AND c.kind = 'preliminary' AND c.replaced_by IS NULL "
          "WHERE l.account_id BETWEEN CAST(:lo AS uuid) AND CAST(:hi AS uuid) AND l.period = :p "
          "  AND l.kind = 'charge' AND l.reverses IS NULL",
          d=f"Сторно предварительного начисления за {title}", **p)
        x("INSERT INTO ledger (entry_id, account_id, kind, amount_kop, charge_id, posted_at, bucket, period, due_on, "
          "  run_id, description) "
          "SELECT uuidv7(), account_id, 'charge', -amount_kop, charge_id, :now, 'energy', :p, :due, CAST(:r AS uuid), "
          "  :d || CASE basis WHEN 'readings' THEN 'по показаниям' WHEN 'average' THEN 'по среднему' "
          "  ELSE 'по нормативу' END || ')' FROM bf", d=f"Начисление за {title} (", **p)
        return billed, int(charged)

    def _invoices(self, p: dict) -> list[tuple[str, str, int, int]]:
        x = self._x
        x("CREATE TEMP TABLE bi ON COMMIT DROP AS "
          "SELECT bf.account_id, row_number() OVER (ORDER BY bf.account_id) AS rn, "
          "  coalesce(sum(e.amount_kop) FILTER (WHERE e.eff < :p), 0) AS opening, "
          "  coalesce(-sum(e.amount_kop) FILTER (WHERE e.eff = :p AND e.kind IN ('charge', 'adjustment')), 0) "
          "    AS charged, "
          "  coalesce(sum(e.amount_kop) FILTER (WHERE e.eff = :p AND e.kind = 'payment'), 0) AS paid, "
          "  coalesce(-sum(e.amount_kop) FILTER (WHERE e.eff = :p AND e.kind = 'penalty'), 0) AS penalties, "
          "  coalesce(sum(e.amount_kop) FILTER (WHERE e.eff <= :p), 0) AS closing, "
          "  greatest(0, -coalesce(sum(e.amount_kop) FILTER (WHERE e.bucket = 'energy' "
          "    AND (e.eff <= :p OR e.kind IN ('payment', 'refund'))), 0)) AS due_energy, "
          "  greatest(0, -coalesce(sum(e.amount_kop) FILTER (WHERE e.bucket = 'penalties' "
          "    AND (e.eff <= :p OR e.kind IN ('payment', 'refund'))), 0)) AS due_penalties "
          "FROM bf LEFT JOIN LATERAL (SELECT l.amount_kop, l.kind, l.bucket, "
          "  coalesce(l.period, date_trunc('month', l.posted_at AT TIME ZONE :tz)::date) AS eff "
          "  FROM ledger l WHERE l.account_id = bf.account_id "
          "  AND l.account_id BETWEEN CAST(:lo AS uuid) AND CAST(:hi AS uuid)) e ON TRUE "
          "GROUP BY bf.account_id", **p)
        n = x("SELECT count(*) FROM bi").scalar_one()
        # Late in the transaction: the counter's row stays locked until the commit.
        last = x("UPDATE invoice_counters SET last_number = last_number + :k WHERE supplier_id = CAST(:s AS uuid) "
                 "RETURNING last_number", k=n, **p).scalar_one()
        rows = x("INSERT INTO invoices (invoice_id, supplier_id, account_id, period, number, run_id, issued_at, due_on, "
                 "  opening_kop, charged_kop, paid_kop, penalties_kop, closing_kop, amount_due_energy_kop, "
                 "  amount_due_penalties_kop) "
                 "SELECT uuidv7(), CAST(:s AS uuid), account_id, :p, :first + rn, CAST(:r AS uuid), :now, :due, "
                 "  opening, charged, paid, penalties, closing, due_energy, due_penalties FROM bi "
                 "RETURNING invoice_id, account_id, number, amount_due_energy_kop + amount_due_penalties_kop",
                 first=last - n, **p).all()
        return [(str(i), str(a), int(number), int(due)) for i, a, number, due in rows]
