"""Reading repository over SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from prometheus_client import Counter
from sqlalchemy import (
    DateTime,
    Numeric,
    Text,
    any_,
    bindparam,
    func,
    insert,
    literal,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID, distinct_on
from sqlalchemy.orm import Session

from kit.metrics import count_on_commit
from services.readings.adapters.orm import readings
from services.readings.domain.model import ACCEPTED as ACCEPTED_STATUS
from services.readings.domain.model import BILLED, Reading
from services.readings.domain.model import COUNTED as COUNTED_STATUSES
from services.readings.domain.plausibility import History

COUNTED = readings.c.status.in_(COUNTED_STATUSES)
ACCEPTED = Counter("kabinet_readings_accepted_total", "Readings accepted, by source (cabinet, seed)", ["source"])


# The submission's statements, built once: building a statement with subqueries costs more than running it.
_INSERT = insert(readings)
_LOCK_METER = select(func.pg_advisory_xact_lock(func.hashtextextended(bindparam("meter_id", type_=Text), 0)))


def _last_with_history():
    meter = bindparam("meter_id", type_=UUID(as_uuid=False))
    zone = func.jsonb_each_text(readings.c.consumption).table_valued("key", "value").alias("zone")
    used = select(func.coalesce(func.sum(zone.c.value.cast(Numeric)), 0)).scalar_subquery()
    counted = (select(readings.c.taken_at, used.label("used"),
                      func.row_number().over(order_by=(readings.c.taken_at, readings.c.created_at)).label("n"))
               .where(readings.c.meter_id == meter, COUNTED,
                      readings.c.taken_at >= bindparam("since", type_=DateTime(timezone=True))).subquery("h"))
    history = select(func.count().label("h_readings"), func.min(counted.c.taken_at).label("h_first"),
                     func.max(counted.c.taken_at).label("h_last"),
                     func.coalesce(func.sum(counted.c.used).filter(counted.c.n > 1), 0).label("h_used")).subquery("s")
    last = (select(readings).where(readings.c.meter_id == meter, COUNTED)
            .order_by(readings.c.taken_at.desc(), readings.c.created_at.desc()).limit(1).lateral("last"))
    return select(history, last).select_from(history.outerjoin(last, true()))


_LAST_WITH_HISTORY = _last_with_history()


class ReadingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, reading: Reading) -> None:
        self.session.execute(_INSERT, _row(reading))
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
        self.session.execute(_LOCK_METER, {"meter_id": meter_id})

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
        row = self.session.execute(_LAST_WITH_HISTORY, {"meter_id": meter_id, "since": since}).mappings().one()
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
        who = (readings.c.submitted_by == user_id if user_id is not None
               else (readings.c.submitted_by.is_(None) & (readings.c.account_id == account_id)))
        row = self.session.execute(
            select(readings).where(who, readings.c.idempotency_key == key)
        ).mappings().first()
        return reading_from_row(row) if row else None

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
