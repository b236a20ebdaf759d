"""The outgoing queue (table `outgoing`): catalogue messages planned for the dispatcher."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.notify.adapters.orm import outgoing
from services.notify.domain.model import Queued

_ENQUEUE = pg_insert(outgoing).on_conflict_do_nothing(index_elements=[outgoing.c.message_id])  # built once


class OutgoingQueue:
    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(self, queued: Sequence[Queued]) -> None:
        """Plans each message unless one with its id was planned before (a redelivered fact): exactly once."""
        if not queued:
            return
        self.session.execute(_ENQUEUE, [_row(q) for q in queued])


def _row(q: Queued) -> dict:
    m = q.message
    row = dict(message_id=m.message_id, channel=m.channel, destination=m.destination, user_id=q.user_id,
               kind=m.purpose, category=q.category, subject=m.subject, body=m.body, html=m.html,
               unsubscribe_url=m.unsubscribe_url, time_zone=q.time_zone)
    if q.not_before is not None:
        row["not_before"] = q.not_before
    return row
