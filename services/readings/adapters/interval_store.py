"""Interval profiles in PostgreSQL: one row per profile (its hours in a numeric[]), the integral consumption they
are compared with, and an accepted profile's hours written to hourly_values in one statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Numeric, any_, bindparam, cast, exists, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.orm import Session

from services.readings.adapters.orm import account_access, interval_profiles, readings
from services.readings.domain.interval import HOURLY_SOURCE, LIVE, Profile
from services.readings.domain.model import COUNTED

t = interval_profiles
SUMMARY = [c for c in t.c if c.name != "hourly_kwh"]
# Upserts an accepted profile's hours; an hour the АИИС КУЭ feed already sent keeps the feed's value.
_WRITE_HOURS = text("""
    INSERT INTO hourly_values (meter_id, hour_start, account_id, kwh, source)
    SELECT :meter_id, h.hour_start, :account_id, h.kwh, :source
    FROM unnest(CAST(:starts AS timestamptz[]), CAST(:kwh AS numeric[])) AS h(hour_start, kwh)
    ON CONFLICT (meter_id, hour_start) DO UPDATE SET kwh = excluded.kwh, account_id = excluded.account_id,
        received_at = now()
    WHERE hourly_values.source = excluded.source
""")


class IntervalStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_meter(self, meter_id: str) -> None:
        """Serialize uploads for one meter until the transaction ends (the partial unique index is the backstop)."""
        self.session.execute(select(func.pg_advisory_xact_lock(func.hashtext("interval:" + meter_id))))

    def add(self, profile: Profile) -> None:
        self.session.execute(insert(t).values(**_row(profile)))

    def live(self, meter_id: str, period: dt.date) -> Profile | None:
        """The meter's pending or accepted profile of the month, with its values' digest (not the values)."""
        row = self.session.execute(select(*SUMMARY).where(t.c.meter_id == meter_id, t.c.period == period,
                                                          t.c.status.in_(LIVE))).mappings().first()
        return _profile(row) if row else None

    def get(self, profile_id: str, *, lock: bool = False) -> Profile | None:
        query = select(t).where(t.c.profile_id == profile_id)
        row = self.session.execute(query.with_for_update() if lock else query).mappings().first()
        return _profile(row) if row else None

    def save_status(self, profile: Profile) -> None:
        self.session.execute(update(t).where(t.c.profile_id == profile.profile_id).values(
            status=profile.status, decided_at=profile.decided_at, decided_by=profile.decided_by,
            reason=profile.reason))

    def listed(self, *, user_id: str | None, account_id: str = "", meter_id: str = "", period: dt.date | None = None,
               status: str = "", supplier_id: str = "", limit: int = 50, oldest_first: bool = False) -> list[Profile]:
        """Profiles newest month first, without values: of the caller's accounts (the bindings' projection) when
        `user_id` is given, else of `account_id` (whose access was checked). Served by
        interval_profiles_account_period."""
        query = select(*SUMMARY)
        if user_id:
            query = query.where(exists().where(account_access.c.user_id == user_id, account_access.c.bound,
                                               account_access.c.account_id == t.c.account_id))
        for column, value in ((t.c.account_id, account_id), (t.c.meter_id, meter_id), (t.c.period, period),
                              (t.c.status, status), (t.c.supplier_id, supplier_id)):
            if value:
                query = query.where(column == value)
        order = (t.c.submitted_at,) if oldest_first else (t.c.period.desc(), t.c.submitted_at.desc())
        rows = self.session.execute(query.order_by(*order).limit(limit))
        return [_profile(r) for r in rows.mappings()]

    def integral_counted(self, meter_id: str, period: dt.date) -> bool:
        """Does an accepted (or billed) register reading of the meter count for the month?"""
        return self.session.execute(select(exists().where(
            readings.c.meter_id == meter_id, readings.c.period == period, readings.c.status.in_(COUNTED)))).scalar()

    def integral(self, pairs: set[tuple[str, dt.date]]) -> dict[tuple[str, dt.date], Decimal]:
        """(meter, month) -> the consumption (all zones) of the counted register readings of that month; absent
        when none counts. One query for a page of profiles."""
        if not pairs:
            return {}
        zone = func.jsonb_each_text(readings.c.consumption).table_valued("key", "value").lateral("c")
        meters = bindparam("meters", sorted({m for m, _ in pairs}), type_=ARRAY(UUID(as_uuid=False)))
        query = (select(readings.c.meter_id, readings.c.period,
                        func.coalesce(func.sum(cast(zone.c.value, Numeric)), 0))
                 .select_from(readings.outerjoin(zone, literal(True)))
                 .where(readings.c.meter_id == any_(meters), readings.c.status.in_(COUNTED),
                        readings.c.period.in_(sorted({p for _, p in pairs})))
                 .group_by(readings.c.meter_id, readings.c.period))
        return {(m, p): Decimal(total) for m, p, total in self.session.execute(query) if (m, p) in pairs}

    def write_hours(self, profile: Profile, hours: dict[dt.datetime, Decimal]) -> None:
        """The accepted profile's hours into hourly_values (source "interval"), one statement."""
        starts = sorted(hours)
        self.session.execute(_WRITE_HOURS, {
            "meter_id": profile.meter_id, "account_id": profile.account_id, "source": HOURLY_SOURCE,
            "starts": starts, "kwh": [hours[s] for s in starts]})


def _row(p: Profile) -> dict:
    return dict(profile_id=p.profile_id, account_id=p.account_id, meter_id=p.meter_id, supplier_id=p.supplier_id,
                period=p.period, mode=p.mode, status=p.status, ratio=p.ratio, total_kwh=p.total, hours=p.hours,
                hourly_kwh=list(p.values or ()), digest=p.digest, submitted_by=p.submitted_by,
                submitted_at=p.submitted_at, decided_at=p.decided_at, decided_by=p.decided_by, reason=p.reason)


def _profile(row) -> Profile:
    values = row.get("hourly_kwh")
    return Profile(profile_id=row["profile_id"], account_id=row["account_id"], meter_id=row["meter_id"],
                   supplier_id=row["supplier_id"], period=row["period"], mode=row["mode"], status=row["status"],
                   ratio=Decimal(row["ratio"]), total=Decimal(row["total_kwh"]), hours=row["hours"],
                   digest=row["digest"], submitted_by=row["submitted_by"], submitted_at=row["submitted_at"],
                   values=tuple(values) if values is not None else None, decided_at=row["decided_at"],
                   decided_by=row["decided_by"], reason=row["reason"])

