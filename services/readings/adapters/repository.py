"""Reading repository over SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from prometheus_client import Counter
from sqlalchemy import DateTime, any_, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY, UUID, distinct_on
from sqlalchemy.orm import Session

from kit.metrics import count_on_commit
from services.readings.adapters.orm import readings
from services.readings.domain.model import Reading

ACCEPTED = Counter("kabinet_readings_accepted_total", "Readings accepted, by source (cabinet, seed)", ["source"])


class ReadingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, reading: Reading) -> None:
        self.session.execute(insert(readings).values(
            reading_id=reading.reading_id, account_id=reading.account_id, meter_id=reading.meter_id,
            values={z: str(v) for z, v in reading.values.items()},
            consumption={z: str(v) for z, v in reading.consumption.items()},
            taken_at=reading.taken_at, source=reading.source, submitted_by=reading.submitted_by,
            idempotency_key=reading.idempotency_key,
        ))
        count_on_commit(self.session, ACCEPTED.labels(reading.source))

    def add_many(self, batch: list[Reading]) -> None:
        """Many readings in one statement (the registry's last readings)."""
        if not batch:
            return
        self.session.execute(insert(readings), [dict(
            reading_id=r.reading_id, account_id=r.account_id, meter_id=r.meter_id,
            values={z: str(v) for z, v in r.values.items()},
            consumption={z: str(v) for z, v in r.consumption.items()},
            taken_at=r.taken_at, source=r.source, submitted_by=r.submitted_by, idempotency_key=r.idempotency_key,
        ) for r in batch])
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
            .order_by(readings.c.meter_id, readings.c.taken_at.desc(), readings.c.created_at.desc())
        ).mappings()
        return {r["meter_id"]: _reading(r) for r in rows}

    def lock_meter(self, meter_id: str) -> None:
        """Serialize submissions for one meter until the transaction ends."""
        self.session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(meter_id, 0))))

    def last_for_meter(self, meter_id: str) -> Reading | None:
        row = self.session.execute(
            select(readings).where(readings.c.meter_id == meter_id)
            .order_by(readings.c.taken_at.desc(), readings.c.created_at.desc()).limit(1)
        ).mappings().first()
        return _reading(row) if row else None

    def by_idempotency_key(self, user_id: str, key: str) -> Reading | None:
        row = self.session.execute(
            select(readings).where(readings.c.submitted_by == user_id, readings.c.idempotency_key == key)
        ).mappings().first()
        return _reading(row) if row else None

    def list_for_account(self, account_id: str, limit: int) -> list[Reading]:
        rows = self.session.execute(
            select(readings).where(readings.c.account_id == account_id)
            .order_by(readings.c.taken_at.desc(), readings.c.created_at.desc()).limit(limit)
        ).mappings()
        return [_reading(r) for r in rows]


def _reading(row) -> Reading:
    return Reading(
        reading_id=row["reading_id"], account_id=row["account_id"], meter_id=row["meter_id"],
        values={z: Decimal(v) for z, v in row["values"].items()},
        consumption={z: Decimal(v) for z, v in row["consumption"].items()},
        taken_at=row["taken_at"], source=row["source"], submitted_by=row["submitted_by"],
        idempotency_key=row["idempotency_key"],
    )
