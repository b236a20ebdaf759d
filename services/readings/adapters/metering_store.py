"""The АИИС КУЭ feed's queries: the supplier's meters by number (from the projection of accounts' facts) and the
hourly values, COPYed into a temporary table and stored with one INSERT … SELECT … ON CONFLICT DO NOTHING."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from services.readings.domain.metering import AUTOMATIC, Hourly, Point
from services.readings.domain.model import Meter

POINTS = """
SELECT f.account_id::text AS account_id, f.automatic_metering, m.value AS meter
FROM account_facts f CROSS JOIN LATERAL jsonb_array_elements(f.meters) m
WHERE f.supplier_id = CAST(:supplier_id AS uuid) AND """
# Numbers as printed (the GIN index account_facts_meter_numbers answers `?|`)
EXACT = text(POINTS + "jsonb_path_query_array(f.meters, '$[*].number') ?| CAST(:numbers AS text[]) "
                      "AND m.value->>'number' = ANY(:numbers)")
# Otherwise a scan of the supplier's meters, prefiltered in SQL (blanks, dashes, dots, slashes, № and # dropped,
# upper case, leading zeros off); the service layer confirms each with readings' rule (public.same_number).
SIMILAR = text(POINTS + r"ltrim(upper(regexp_replace(m.value->>'number', '[[:space:]./\\№#-]+', '', 'g')), '0') "
                        "= ANY(:keys)")

STAGE = "CREATE TEMP TABLE metering_hourly_in (meter_id uuid, hour_start timestamptz, account_id uuid, " \
        "kwh numeric(20, 7)) ON COMMIT DROP"
# Only the values not stored now come back (with what is stored for their hour): the common batch returns nothing.
# A value stored by a concurrent batch after this statement's snapshot comes back with stored NULL.
STORE = text("""
WITH added AS (
    INSERT INTO hourly_values (meter_id, hour_start, account_id, kwh, source)
    SELECT meter_id, hour_start, account_id, kwh, :source FROM metering_hourly_in
    ON CONFLICT DO NOTHING
    RETURNING meter_id, hour_start
)
SELECT i.meter_id::text AS meter_id, i.hour_start, h.kwh AS stored
FROM metering_hourly_in i
LEFT JOIN added a ON a.meter_id = i.meter_id AND a.hour_start = i.hour_start
LEFT JOIN hourly_values h ON h.meter_id = i.meter_id AND h.hour_start = i.hour_start
WHERE a.meter_id IS NULL
""")


class MeteringStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_register(self, meter_id: str) -> None:
        """Register values of one meter are stored one batch at a time (until this transaction ends): a batch
        re-sent while the first is still storing sees its readings. Not the readings' own meter lock, which
        submit_reading takes in its transaction meanwhile."""
        self.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                             {"key": f"metering:{meter_id}"})

    def by_numbers(self, supplier_id: str, numbers: list[str]) -> list[tuple[str, Point]]:
        """(printed number, point) of the supplier's open meters printed exactly as one of `numbers`."""
        return self._points(EXACT, supplier_id=supplier_id, numbers=numbers) if numbers else []

    def similar(self, supplier_id: str, keys: list[str]) -> list[tuple[str, Point]]:
        """(printed number, point) of the supplier's open meters whose number may be one of `keys` (numbers
        normalized as public.same_number does): a scan of the supplier's accounts."""
        return self._points(SIMILAR, supplier_id=supplier_id, keys=keys) if keys else []

    def _points(self, query, **params) -> list[tuple[str, Point]]:
        rows = self.session.execute(query, params).mappings()
        return [(row["meter"].get("number", ""), Point(
            account_id=row["account_id"], automatic_metering=row["automatic_metering"],
            meter=Meter(meter_id=row["meter"]["meter_id"], zones=row["meter"]["zones"],
                        digits=row["meter"]["digits"], ratio=Decimal(row["meter"].get("ratio") or "1"),
                        number=row["meter"].get("number", "")))) for row in rows]

    def add_hourly(self, values: list[Hourly]) -> dict[tuple[str, dt.datetime], Decimal | None]:
        """Store the values not stored yet; the others -> the value stored for their meter and hour (None: stored
        by a concurrent batch meanwhile). COPY, not row by row."""
        if not values:
            return {}
        raw = self.session.connection().connection.driver_connection
        with raw.cursor() as cur:
            cur.execute(STAGE)
            with cur.copy("COPY metering_hourly_in (meter_id, hour_start, account_id, kwh) FROM STDIN") as copy:
                for v in values:
                    copy.write_row((v.point.meter.meter_id, v.hour_start, v.point.account_id, v.kwh))
        rows = self.session.execute(STORE, {"source": AUTOMATIC})
        return {(row.meter_id, row.hour_start): row.stored for row in rows}
