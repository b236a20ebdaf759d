"""Set-based writing of the registry's money files: COPY into a staging table, then one INSERT … SELECT
into the ledger. A row is booked once by its external id (ledger.external_id is unique); one already
booked with the same data is left as it is, one booked with other data is reported."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

OPENING, PAYMENT = "opening", "payment"


class RegistryStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _copy(self, ddl: str, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        self.session.execute(text(ddl))
        raw = self.session.connection().connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def insert_openings(self, rows: list[tuple]) -> tuple[int, list[int]]:
        """rows: (line, external_id, account_id, bucket, amount_kop, due_on, posted_at). (inserted, lines whose
        external id is booked already with other data)."""
        self._copy(
            "CREATE TEMP TABLE stage_openings (line int, external_id text, account_id uuid, bucket text,"
            " amount_kop bigint, due_on date, posted_at timestamptz) ON COMMIT DROP", "stage_openings",
            ("line", "external_id", "account_id", "bucket", "amount_kop", "due_on", "posted_at"), rows)
        inserted = self.session.execute(text("""
            INSERT INTO ledger (entry_id, account_id, kind, amount_kop, posted_at, bucket, due_on, external_id)
            SELECT gen_random_uuid(), account_id, 'opening', amount_kop, posted_at, bucket, due_on, external_id
            FROM stage_openings ORDER BY line
            ON CONFLICT (external_id) DO NOTHING
        """)).rowcount
        conflicts = self.session.execute(text("""
            SELECT s.line FROM stage_openings s JOIN ledger l ON l.external_id = s.external_id
            WHERE (l.kind, l.account_id, l.bucket, l.amount_kop, l.due_on)
                  IS DISTINCT FROM ('opening', s.account_id, s.bucket, s.amount_kop, s.due_on)
            ORDER BY s.line""")).scalars().all()
        return inserted, list(conflicts)

    def insert_payments(self, rows: list[tuple], *, posted_at) -> tuple[int, list[int]]:
        """rows: (line, external_id, account_id, bucket, amount_kop, channel, paid_on). (inserted, lines whose
        external id is booked already with other data). A payment dated on or before its account's opening
        balance (the UTC date of the opening's posted_at) is in that balance: not booked."""
        self._copy(
            "CREATE TEMP TABLE stage_ledger_payments (line int, external_id text, account_id uuid, bucket text,"
            " amount_kop bigint, channel text, paid_on date) ON COMMIT DROP", "stage_ledger_payments",
            ("line", "external_id", "account_id", "bucket", "amount_kop", "channel", "paid_on"), rows)
        inserted = self.session.execute(text("""
            INSERT INTO ledger (entry_id, account_id, kind, amount_kop, posted_at, bucket, external_id, channel,
                                paid_on)
            SELECT gen_random_uuid(), s.account_id, 'payment', s.amount_kop, :posted_at, s.bucket, s.external_id,
                   s.channel, s.paid_on
            FROM stage_ledger_payments s
            WHERE NOT EXISTS (SELECT 1 FROM ledger o
                              WHERE o.account_id = s.account_id AND o.kind = 'opening'
                                AND (o.posted_at AT TIME ZONE 'UTC')::date >= s.paid_on)
            ORDER BY s.line
            ON CONFLICT (external_id) DO NOTHING
        """), {"posted_at": posted_at}).rowcount
        conflicts = self.session.execute(text("""
            SELECT s.line FROM stage_ledger_payments s JOIN ledger l ON l.external_id = s.external_id
            WHERE (l.kind, l.account_id, l.bucket, l.amount_kop, l.channel, l.paid_on)
                  IS DISTINCT FROM ('payment', s.account_id, s.bucket, s.amount_kop, s.channel, s.paid_on)
            ORDER BY s.line""")).scalars().all()
        return inserted, list(conflicts)
