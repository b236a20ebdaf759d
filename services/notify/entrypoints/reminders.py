"""Subscriptions of the dispatch section: the readings.due reminders («Необходимо заявить показания»), planned a
fetch at a time.

When a readings window opens, readings emits one readings.due per account — 2,000,000 for a city. The durable
`notify-reminders` takes them 500 a fetch into one transaction (the kit's batch handler) and hands the whole fetch
to `notify_many`, which costs a fixed handful of statements per call whatever the number of notices; the
dispatcher then sends what was planned within the providers' rates and outside the quiet hours.
"""

from __future__ import annotations

from collections.abc import Sequence

from kit.consumer import Subscription
from kit.errors import InvalidInput
from kit.events import Event, field_uuid
from services.notify.domain.model import Notice
from services.notify.domain.unsubscribe import Links
from services.notify.entrypoints.events import _day, _month
from services.notify.service_layer.notifications import links_of, notify_many

DUE = "readings.due"
KINDS = {"opened": "readings_due_opened", "closing": "readings_due_closing"}  # ReadingsDueNotice.kind -> catalogue
FETCH = 500  # notices planned in one transaction (one notify_many)


def reminder_subscriptions(rt) -> list:
    links = links_of(rt.config)
    return [Subscription(durable="notify-reminders", handlers={}, batch_handlers={DUE: planner(links)},
                         shared_transaction=True, batch=FETCH, ack_wait=120.0)]


def planner(links: Links):
    """The batch handler: a fetch of readings.due -> one notify_many in the consumer's transaction."""
    def plan(events: Sequence[Event], uow) -> None:
        notify_many(uow, [reminder(e) for e in events], links=links)
    return plan


def reminder(event: Event) -> Notice:
    """A readings.due fact (ReadingsDueNotice) as the catalogue's notice to the users of its account; a malformed one
    is poison (a dead letter; the rest of its fetch is planned one at a time)."""
    p = event.payload
    kind = KINDS.get(p.kind)
    if kind is None:
        raise InvalidInput(f"readings.due kind: {p.kind!r}", code="malformed_event")
    return Notice(kind, event.id, event.occurred_at, account_id=field_uuid(p.account_id, "account_id"),
                  params={"period": _month(p.period), "window_from": _day(p.window_from, "window_from"),
                          "window_to": _day(p.window_to, "window_to")})
