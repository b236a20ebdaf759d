"""Monthly consumption per zone: one set-based query over the account's readings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, Numeric, String, cast, func, literal, select
from sqlalchemy.orm import Session

from services.readings.adapters.orm import readings
from services.readings.domain.model import COUNTED


class ConsumptionStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def monthly(self, account_id: str, *, meter_id: str, start: dt.datetime, end: dt.datetime,
                tz: str) -> list[tuple[dt.date, str, Decimal]]:
        """(month's first day, zone, kWh) of the readings taken in [start, end), months cut in `tz`.
        Served by readings_account_taken (account_id, taken_at)."""
        zone = func.jsonb_each_text(readings.c.consumption).table_valued("key", "value").lateral("c")
        month = cast(func.date_trunc("month", func.timezone(literal(tz, String), readings.c.taken_at)), Date)
        query = (select(month.label("month"), zone.c.key, func.sum(cast(zone.c.value, Numeric)))
                 .select_from(readings.join(zone, literal(True)))
                 .where(readings.c.account_id == account_id, readings.c.taken_at >= start, readings.c.taken_at < end,
                        readings.c.status.in_(COUNTED))
                 .group_by(month, zone.c.key).order_by(month, zone.c.key))
        if meter_id:
            query = query.where(readings.c.meter_id == meter_id)
        return [(r[0], r[1], Decimal(r[2])) for r in self.session.execute(query)]

