"""Reading repository over SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from prometheus_client import Counter
from psycopg.types.json import Jsonb
from sqlalchemy import (
    DateTime,
    any_,
    bindparam,
    insert,
    literal,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID, distinct_on
from sqlalchemy.orm import Session

from kit.db import driver_rows
from kit.metrics import count_on_commit
from services.readings.adapters.orm import readings
from services.readings.domain.model import ACCEPTED as ACCEPTED_STATUS
from services.readings.domain.model import BILLED, Reading
from services.readings.domain.model import COUNTED as COUNTED_STATUSES
from services.readings.domain.plausibility import History

COUNTED = readings.c.status.in_(COUNTED_STATUSES)
ACCEPTED = Counter("kabinet_readings_accepted_total", "Readings accepted, by source (cabinet, seed)", ["source"])


# The submission's statements, in plain SQL through the driver (kit.db.driver_rows): every reading runs them.
# The reading's columns as reading_from_row reads them (ids as text).
_READING = ("reading_id::text, account_id::text, meter_id::text, values, consumption, taken_at, source, "
            "submitted_by::text, idempotency_key, created_at, period, status, supplier_id::text, flag_reason, "
            "corrects::text, reason, reviewed_at, reviewed_by::text, review, review_reason")
_COUNTED_SQL = "status IN (" + ", ".join(f"'{status}'" for status in COUNTED_STATUSES) + ")"
_LOCK_METER = "SELECT pg_advisory_xact_lock(hashtextextended(%(meter_id)s, 0))"
_INSERT = ("INSERT INTO readings (reading_id, account_id, meter_id, values, consumption, taken_at, source, "
           "submitted_by, idempotency_key, period, status, supplier_id, flag_reason, corrects, reason, review, "
           "review_reason, reviewed_at, reviewed_by, used) VALUES (%(reading_id)s, %(account_id)s, %(meter_id)s, "
           "%(values)s, %(consumption)s, %(taken_at)s, %(source)s, %(submitted_by)s, %(idempotency_key)s, "
           "%(period)s, %(status)s, %(supplier_id)s, %(flag_reason)s, %(corrects)s, %(reason)s, %(review)s, "
           "%(review_reason)s, %(reviewed_at)s, %(reviewed_by)s, %(used)s)")
# a reading's consumption of all zones: stored since migration 0010, computed from the zones before it
_USED = "coalesce(used, (SELECT coalesce(sum(zone.value::numeric), 0) FROM jsonb_each_text(consumption) AS zone))"
_COUNTED_SINCE = f"meter_id = %(meter_id)s AND {_COUNTED_SQL} AND taken_at >= %(since)s"
# the previous counted reading and the summary of the year before it (the consumption of every reading but the
# first: that one's counts from before the year), from the index of the meter's counted readings
_LAST_WITH_HISTORY = f"""
SELECT s.h_readings, s.h_first, s.h_last, s.h_all - coalesce(f.used, 0) AS h_used, last.*
FROM (SELECT count(*) AS h_readings, min(taken_at) AS h_first, max(taken_at) AS h_last,
             coalesce(sum({_USED}), 0) AS h_all
      FROM readings WHERE {_COUNTED_SINCE}) AS s
LEFT OUTER JOIN LATERAL (SELECT {_USED} AS used FROM readings WHERE {_COUNTED_SINCE}
                         ORDER BY taken_at, created_at LIMIT 1) AS f ON true
LEFT OUTER JOIN LATERAL (SELECT {_READING} FROM readings WHERE meter_id = %(meter_id)s AND {_COUNTED_SQL}
                         ORDER BY taken_at DESC, created_at DESC LIMIT 1) AS last ON true"""
_BY_KEY = f"SELECT {_READING} FROM readings WHERE submitted_by = %(user_id)s AND idempotency_key = %(key)s"
_BY_ACCOUNT_KEY = (f"SELECT {_READING} FROM readings WHERE submitted_by IS NULL AND account_id = %(account_id)s "
                   "AND idempotency_key = %(key)s")


class ReadingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, reading: Reading) -> None:
        row = _row(reading)
        driver_rows(self.session, _INSERT, row | {"values": Jsonb(row["values"]), "consumption": Jsonb(row["consumption"])})
        count_on_commit(self.session, ACCEPTED.labels(reading.source))

    def add_many(self, batch: list[Reading]) -> None:
        """Many readings in one statement (the registry's last readings)."""
        if not batch:
            return
        self.session.execute(insert(readings), [_row(r) for r in batch])
        for source in {r.source for r in batch}:
            count_on_commit(self.session, ACCEPTED.labels(source), sum(1 for r in batch if r.source == source))

    def values_at(self, moments: list[tuple[str, dt.datetime]]) -> dict[tuple[str, dt.datetime], dict[str, Decimal]]:
        """The values of the readings taken at these (meter, moment) pairs, those there are (the registry: the
        same reading again)."""
        if not moments:
            return {}
        rows = self.session.execute(
            select(readings.c.meter_id, readings.c.taken_at, readings.c["values"])
            .where(readings.c.meter_id == any_(bindparam("ids", sorted({m for m, _ in moments}),
                                                         type_=ARRAY(UUID(as_uuid=False)))))
            .where(readings.c.taken_at == any_(bindparam("moments", sorted({t for _, t in moments}),
                                                         type_=ARRAY(DateTime(timezone=True))))))
        wanted = set(moments)
        return {(r.meter_id, r.taken_at): {z: Decimal(v) for z, v in r[2].items()} for r in rows
                if (r.meter_id, r.taken_at) in wanted}

    def last_for_meters(self, meter_ids: list[str]) -> dict[str, Reading]:
        """Each meter's last reading, one query for them all."""
        if not meter_ids:
            return {}
        rows = self.session.execute(
            select(readings).ext(distinct_on(readings.c.meter_id))
            .where(readings.c.meter_id == any_(bindparam("ids", meter_ids, type_=ARRAY(UUID(as_uuid=False)))))
            .where(COUNTED)
            .order_by(readings.c.meter_id, readings.c.taken_at.desc(), readings.c.created_at.desc())
        ).mappings()
        return {r["meter_id"]: reading_from_row(r) for r in rows}

    def lock_meter(self, meter_id: str) -> None:
        """Serialize submissions for one meter until the transaction ends."""
        driver_rows(self.session, _LOCK_METER, {"meter_id": meter_id})

    def last_for_meter(self, meter_id: str) -> Reading | None:
        row = self.session.execute(
            select(readings).where(readings.c.meter_id == meter_id, COUNTED)
            .order_by(readings.c.taken_at.desc(), readings.c.created_at.desc()).limit(1)
        ).mappings().first()
        return reading_from_row(row) if row else None

    def before(self, reading: Reading) -> Reading | None:
        """The counted reading of the same meter before this one (what a correction is counted from)."""
        row = self.session.execute(
            select(readings).where(readings.c.meter_id == reading.meter_id, COUNTED,
                                   readings.c.reading_id != reading.reading_id,
                                   readings.c.taken_at <= reading.taken_at)
            .order_by(readings.c.taken_at.desc(), readings.c.created_at.desc()).limit(1)
        ).mappings().first()
        return reading_from_row(row) if row else None

    def history_for_meter(self, meter_id: str, since: dt.datetime) -> list[Reading]:
        """The meter's counted readings taken since a moment, oldest first (the plausibility check)."""
        rows = self.session.execute(
            select(readings).where(readings.c.meter_id == meter_id, COUNTED, readings.c.taken_at >= since)
            .order_by(readings.c.taken_at, readings.c.created_at)).mappings()
        return [reading_from_row(r) for r in rows]

    def last_with_history(self, meter_id: str, since: dt.datetime) -> tuple[Reading | None, History]:
        """The meter's last counted reading and the summary of its counted readings since a moment (the
        plausibility check), in one query whatever the history's length."""
        row = driver_rows(self.session, _LAST_WITH_HISTORY, {"meter_id": meter_id, "since": since})[0]
        return (reading_from_row(row) if row["reading_id"] else None,
                History(row["h_readings"], row["h_first"], row["h_last"], Decimal(row["h_used"])))

    def get(self, reading_id: str) -> Reading | None:
        row = self.session.execute(select(readings).where(readings.c.reading_id == reading_id)).mappings().first()
        return reading_from_row(row) if row else None

    def set_status(self, reading_id: str, status: str) -> None:
        self.session.execute(update(readings).where(readings.c.reading_id == reading_id).values(status=status))

    def mark_billed(self, supplier_id: str, period: dt.date) -> int:
        """payments.billing_run.finished: every accepted reading of the supplier's period is billed, one
        statement; the number marked."""
        return self.session.execute(
            update(readings).where(readings.c.supplier_id == supplier_id, readings.c.period == period,
                                   readings.c.status == ACCEPTED_STATUS).values(status=BILLED)).rowcount

    def by_idempotency_key(self, user_id: str | None, key: str, account_id: str | None = None) -> Reading | None:
        """A signed-in user's key; without a user (public) the key is the account's."""
        rows = (driver_rows(self.session, _BY_KEY, {"user_id": user_id, "key": key}) if user_id is not None
                else driver_rows(self.session, _BY_ACCOUNT_KEY, {"account_id": account_id, "key": key}))
        return reading_from_row(rows[0]) if rows else None

    def list_for_account(self, account_id: str, limit: int, *, meter_id: str | None = None,
                         period: dt.date | None = None, after: tuple | None = None) -> list[Reading]:
        """Newest first; `after` is the (taken_at, created_at, reading_id) of the last one of the previous page."""
        query = select(readings).where(readings.c.account_id == account_id)
        if meter_id:
            query = query.where(readings.c.meter_id == meter_id)
        if period:
            query = query.where(readings.c.period == period)
        if after:
            taken, created, reading_id = after
            query = query.where(tuple_(readings.c.taken_at, readings.c.created_at, readings.c.reading_id)
                                < tuple_(literal(taken, DateTime(timezone=True)),
                                         literal(created, DateTime(timezone=True)),
                                         literal(reading_id, UUID(as_uuid=False))))
        rows = self.session.execute(query.order_by(
            readings.c.taken_at.desc(), readings.c.created_at.desc(), readings.c.reading_id.desc()).limit(limit)
        ).mappings()
        return [reading_from_row(r) for r in rows]

    def created_at(self, reading_id: str) -> dt.datetime | None:
        return self.session.execute(select(readings.c.created_at).where(readings.c.reading_id == reading_id)).scalar()


def _row(r: Reading) -> dict:
    return dict(
        reading_id=r.reading_id, account_id=r.account_id, meter_id=r.meter_id,
        values={z: str(v) for z, v in r.values.items()},
        consumption={z: str(v) for z, v in r.consumption.items()},
        taken_at=r.taken_at, source=r.source, submitted_by=r.submitted_by, idempotency_key=r.idempotency_key,
        period=r.period or r.taken_at.date().replace(day=1), status=r.status, supplier_id=r.supplier_id,
        flag_reason=r.flag_reason, corrects=r.corrects, reason=r.reason,
        review=r.review, review_reason=r.review_reason, reviewed_at=r.reviewed_at, reviewed_by=r.reviewed_by,
        used=r.total,
    )


def reading_from_row(row) -> Reading:
    return Reading(
        reading_id=row["reading_id"], account_id=row["account_id"], meter_id=row["meter_id"],
        values={z: Decimal(v) for z, v in row["values"].items()},
        consumption={z: Decimal(v) for z, v in row["consumption"].items()},
        taken_at=row["taken_at"], source=row["source"], submitted_by=row["submitted_by"],
        idempotency_key=row["idempotency_key"], period=row["period"], status=row["status"],
        flag_reason=row["flag_reason"], corrects=row["corrects"], reason=row["reason"],
        supplier_id=row["supplier_id"], created_at=row["created_at"],
        review=row["review"], review_reason=row["review_reason"], reviewed_at=row["reviewed_at"],
        reviewed_by=row["reviewed_by"],
    )
