"""The notify worker's periodic jobs (kit.jobs): the dispatcher of the outgoing queue (section: dispatch)."""

from __future__ import annotations

from collections.abc import Mapping

from kit.jobs import Job
from services.notify.domain.dispatch import QuietHours, Retry
from services.notify.domain.model import CHANNELS
from services.notify.service_layer import dispatch
from services.notify.service_layer.delivery import Sender


def dispatcher(config, senders: Mapping[str, Sender]) -> dispatch.Dispatcher:
    """The dispatcher as configured (KABINET_SMS_RATE_PER_SECOND, KABINET_QUIET_HOURS, …)."""
    return dispatch.Dispatcher(senders=senders, rates={c: config.rate_of(c) for c in CHANNELS},
                               quiet=QuietHours.parse(config.quiet_hours), retry=Retry(config.delivery_max_attempts),
                               batch=config.dispatch_batch, concurrency=config.dispatch_concurrency,
                               lease_seconds=config.dispatch_lease_seconds)


def borrowing(senders: Mapping[str, Sender], rt) -> dict[str, Sender]:
    """The immediate path's adapters (codes, links): each send takes a token of its provider's bucket, into debt."""
    return {c: dispatch.Borrowing(s, c, rt.config.rate_of(c), rt.uow) for c, s in senders.items()}


def jobs(rt, senders: Mapping[str, Sender] | None = None) -> list:
    """Every few tenths of a second (KABINET_DISPATCH_EVERY_SECONDS), a pass of the dispatcher: what the buckets
    allow of the due SMS and e-mails leaves, night SMS are held until the morning. Replicas share the queue."""
    if senders is None:
        return []
    d = dispatcher(rt.config, senders)
    return [Job("notify.dispatch", rt.config.dispatch_every_seconds,
                lambda now: dispatch.dispatch(rt.uow, d, moment=now), first_after_seconds=1.0)]
