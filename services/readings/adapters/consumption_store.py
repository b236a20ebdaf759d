"""Monthly consumption per zone: one set-based query over the account's readings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, Integer, Numeric, String, cast, exists, extract, func, literal, select
from sqlalchemy.orm import Session

from services.readings.adapters.orm import hourly_values, readings
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


    def has_hourly(self, account_id: str, *, meter_id: str) -> bool:
        """Does any hourly value (АИИС КУЭ or an accepted interval profile) exist for the account (or meter)?"""
        h = hourly_values
        where = [h.c.account_id == account_id] + ([h.c.meter_id == meter_id] if meter_id else [])
        return self.session.execute(select(exists().where(*where))).scalar()

    def hourly(self, account_id: str, *, meter_id: str, start: dt.datetime, end: dt.datetime,
               tz: str) -> list[tuple[str, dt.date, int, Decimal]]:
        """(meter, local date, local hour, kWh) of the hourly values in [start, end), local in `tz`; served by
        hourly_values_account_hour (account_id, hour_start)."""
        h = hourly_values
        local = func.timezone(literal(tz, String), h.c.hour_start)
        day, hour = cast(local, Date), cast(extract("hour", local), Integer)
        query = (select(h.c.meter_id, day, hour, func.sum(h.c.kwh))
                 .where(h.c.account_id == account_id, h.c.hour_start >= start, h.c.hour_start < end)
                 .group_by(h.c.meter_id, day, hour))
        if meter_id:
            query = query.where(h.c.meter_id == meter_id)
        return [(m, d, hr, Decimal(kwh)) for m, d, hr, kwh in self.session.execute(query)]
