"""The review of flagged readings: the staff queue (keyset pages on the readings_flagged index) and the decision."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Session

from services.readings.adapters.orm import readings
from services.readings.adapters.repository import reading_from_row
from services.readings.domain import model, review


class ReviewStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def flagged(self, *, status: str, limit: int, supplier_id: str = "", period: dt.date | None = None,
                after: tuple[dt.datetime, str] | None = None) -> list[model.Reading]:
        """Flagged readings by the review's status (pending: not reviewed and still counted), oldest stored
        first; `after` is the (created_at, reading_id) of the previous page's last."""
        query = select(readings).where(readings.c.flag_reason.isnot(None))
        if status == review.PENDING:
            query = query.where(readings.c.reviewed_at.is_(None), readings.c.status.in_(model.COUNTED))
        else:
            query = query.where(readings.c.review == status)
        if supplier_id:
            query = query.where(readings.c.supplier_id == supplier_id)
        if period:
            query = query.where(readings.c.period == period)
        if after:
            query = query.where(tuple_(readings.c.created_at, readings.c.reading_id)
                                > tuple_(literal(after[0], DateTime(timezone=True)),
                                         literal(after[1], UUID(as_uuid=False))))
        rows = self.session.execute(query.order_by(readings.c.created_at, readings.c.reading_id).limit(limit))
        return [reading_from_row(r) for r in rows.mappings()]

    def lock(self, reading_id: str) -> model.Reading | None:
        """The reading, locked until the transaction ends (two staff deciding at once: the second sees the first)."""
        row = self.session.execute(select(readings).where(readings.c.reading_id == reading_id)
                                   .with_for_update()).mappings().first()
        return reading_from_row(row) if row else None

    def save(self, reading: model.Reading) -> None:
        """The decision: who, when, what, why — and the status (rejected) it brought."""
        self.session.execute(update(readings).where(readings.c.reading_id == reading.reading_id).values(
            status=reading.status, review=reading.review, review_reason=reading.review_reason,
            reviewed_at=reading.reviewed_at, reviewed_by=reading.reviewed_by))
