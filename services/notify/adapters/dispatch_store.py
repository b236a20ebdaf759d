"""The dispatcher's tables: the outgoing queue as the dispatcher claims and settles it, the providers' token buckets
(`rate_buckets`), the deliveries it records, the delivery reports, and staff's view of all of it.

Claiming takes rows with FOR UPDATE SKIP LOCKED, so that several replicas of the worker share the queue without
waiting for each other; the bucket's row is locked for the claiming transaction, so that what the replicas take
together never exceeds what the bucket holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from services.notify.domain.dispatch import FAILED, QUEUED, SENT, Claimed, Outcome, Rate
from services.notify.domain.model import Outgoing

_COLUMNS = ("message_id::text AS message_id, channel, destination, kind, subject, body, html, unsubscribe_url, "
            "time_zone, attempts")
_DUE = text(f"SELECT {_COLUMNS} FROM outgoing WHERE channel = :channel AND status = 'queued' "
            "AND not_before <= :moment ORDER BY not_before LIMIT :limit FOR UPDATE SKIP LOCKED")
_ORPHANS = text(f"SELECT {_COLUMNS} FROM outgoing WHERE status = 'sending' "
                "AND updated_at < clock_timestamp() - make_interval(secs => :lease) "
                "ORDER BY updated_at LIMIT :limit FOR UPDATE SKIP LOCKED")
_BUCKET_ROW = text("INSERT INTO rate_buckets (provider, tokens, updated_at) VALUES (:provider, :burst, "
                   "clock_timestamp()) ON CONFLICT DO NOTHING")
_BUCKET = text("SELECT tokens, updated_at, clock_timestamp() AS now FROM rate_buckets WHERE provider = :provider "
               "FOR UPDATE")
_SET_BUCKET = text("UPDATE rate_buckets SET tokens = :tokens, updated_at = :now WHERE provider = :provider")
_HOLD = text("UPDATE outgoing SET not_before = v.not_before, updated_at = now() "
             "FROM unnest(CAST(:ids AS uuid[]), CAST(:times AS timestamptz[])) AS v(message_id, not_before) "
             "WHERE outgoing.message_id = v.message_id")
_START = text("UPDATE outgoing SET status = 'sending', updated_at = clock_timestamp() "
              "WHERE message_id = ANY(CAST(:ids AS uuid[]))")
# the delivery record exists from the moment the send starts, so a report that outruns our commit finds it
_START_DELIVERIES = text(
    "INSERT INTO deliveries (message_id, channel, destination, purpose, status, provider_id) "
    "SELECT message_id, channel, destination, kind, 'pending', message_id::text FROM outgoing "
    "WHERE message_id = ANY(CAST(:ids AS uuid[])) "
    "ON CONFLICT (message_id) DO UPDATE SET status = 'pending', updated_at = now() "
    "WHERE deliveries.status <> 'sent'")
_SETTLE = text("UPDATE outgoing SET status = :status, attempts = :attempts, error = :error, "
               "not_before = COALESCE(:not_before, not_before), updated_at = now() "
               "WHERE message_id = CAST(:id AS uuid) AND status = 'sending'")
_SETTLE_DELIVERY = text(
    "UPDATE deliveries SET status = :status, attempts = :attempts, error = :error, updated_at = now(), "
    "sent_at = CASE WHEN :status = 'sent' THEN clock_timestamp() ELSE sent_at END "
    "WHERE message_id = CAST(:id AS uuid) AND status <> 'sent'")
_REPORT = text("UPDATE deliveries SET report = :report, report_error = :error, reported_at = :at, "
               "provider_id = CASE WHEN provider_id = '' THEN :pid ELSE provider_id END, updated_at = now() "
               "WHERE message_id = CAST(:id AS uuid) "
               "AND (reported_at IS NULL OR reported_at <= :at) RETURNING channel")
_KNOWN = text("SELECT 1 FROM deliveries WHERE message_id = CAST(:id AS uuid)")
# a report proves that the provider took an SMS whose send was cut short (the worker died before it recorded it)
_REPORTED_SENT = text("UPDATE outgoing SET status = 'sent', updated_at = now() "
                      "WHERE message_id = CAST(:id AS uuid) AND status = 'sending'")
_DELIVERY_SENT = text("UPDATE deliveries SET status = 'sent', sent_at = COALESCE(sent_at, :at) "
                      "WHERE message_id = CAST(:id AS uuid) AND status = 'pending'")


class DispatchStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- the token bucket --

    def tokens(self, provider: str, rate: Rate) -> tuple[float, dt.datetime]:
        """What the provider's bucket holds now (refilled), and the database's now; its row stays locked until
        the transaction ends. A new bucket starts full."""
        row = self.session.execute(_BUCKET, {"provider": provider}).first()
        if row is None:
            self.session.execute(_BUCKET_ROW, {"provider": provider, "burst": rate.burst})
            row = self.session.execute(_BUCKET, {"provider": provider}).one()
        return rate.refill(row.tokens, (row.now - row.updated_at).total_seconds()), row.now

    def set_tokens(self, provider: str, tokens: float, now: dt.datetime) -> None:
        self.session.execute(_SET_BUCKET, {"provider": provider, "tokens": tokens, "now": now})

    # -- the queue --

    def due(self, channel: str, moment: dt.datetime, limit: int) -> list[Claimed]:
        """Queued rows of the channel due at `moment`, oldest first, locked (others' locked rows skipped)."""
        rows = self.session.execute(_DUE, {"channel": channel, "moment": moment, "limit": limit}).mappings()
        return [_claimed(r) for r in rows]

    def orphans(self, lease_seconds: float, limit: int = 100) -> list[Claimed]:
        """Rows whose send started longer than `lease_seconds` ago and never ended (the worker died), locked."""
        rows = self.session.execute(_ORPHANS, {"lease": lease_seconds, "limit": limit}).mappings()
        return [_claimed(r) for r in rows]

    def hold(self, until: dict[str, dt.datetime]) -> None:
        """Move rows (message id -> not before) to a later moment: quiet hours."""
        if until:
            self.session.execute(_HOLD, {"ids": list(until), "times": list(until.values())})

    def start(self, claimed: Sequence[Claimed]) -> None:
        """Mark the rows `sending` and their delivery records `pending` before anything leaves."""
        if claimed:
            ids = [c.message.message_id for c in claimed]
            self.session.execute(_START, {"ids": ids})
            self.session.execute(_START_DELIVERIES, {"ids": ids})

    def settle(self, outcomes: Sequence[Outcome]) -> None:
        """Record what became of each send, in the queue and in `deliveries`."""
        queue, records = [], []
        for o in outcomes:
            tried = o.status != "untried"
            attempts = o.claimed.attempts + (1 if tried else 0)
            status = {"retry": QUEUED, "untried": QUEUED}.get(o.status, o.status)
            queue.append({"id": o.claimed.message.message_id, "status": status, "attempts": attempts,
                          "error": o.error, "not_before": o.not_before})
            if tried:
                records.append({"id": o.claimed.message.message_id, "attempts": attempts, "error": o.error,
                                "status": {SENT: "sent", FAILED: "failed"}.get(o.status, "pending")})
        if queue:
            self.session.execute(_SETTLE, queue)
        if records:
            self.session.execute(_SETTLE_DELIVERY, records)

    def confirm_sent(self, message_id: str, at: dt.datetime) -> None:
        """The provider knows a message whose send was cut short: it was sent."""
        self.session.execute(_REPORTED_SENT, {"id": message_id})
        self.session.execute(_DELIVERY_SENT, {"id": message_id, "at": at})

    # -- delivery reports --

    def report(self, message_id: str, report: str, error: str, at: dt.datetime) -> bool:
        """Record the provider's report on a message we delivered (a later report wins); False if unknown."""
        if self.session.execute(_KNOWN, {"id": message_id}).first() is None:
            return False
        if self.session.execute(_REPORT, {"id": message_id, "pid": message_id, "report": report,
                                                     "error": error, "at": at}).first():
            self.confirm_sent(message_id, at)
        return True

    # -- staff's view --

    def list(self, query: DeliveryQuery) -> list[dict]:
        """The queued and the immediate messages in one list, newest first, after the cursor (keyset)."""
        where, params = [], {"limit": query.limit}
        for name in ("status", "channel", "destination", "kind"):
            if getattr(query, name):
                where.append(f"v.{name} = :{name}")
                params[name] = getattr(query, name)
        if query.after is not None:
            where.append("(v.created_at, v.message_id) < (:after_at, CAST(:after_id AS uuid))")
            params |= {"after_at": query.after[0], "after_id": query.after[1]}
        # each branch newest first along its own index, cut at the page; then the two merged
        cut = (f"{'WHERE ' + ' AND '.join(where) if where else ''} "
               "ORDER BY v.created_at DESC, v.message_id DESC LIMIT :limit")
        sql = " UNION ALL ".join(f"(SELECT * FROM ({branch}) v {cut})" for branch in _STAFF_VIEW)
        sql = f"SELECT * FROM ({sql}) v ORDER BY v.created_at DESC, v.message_id DESC LIMIT :limit"
        return [dict(r) for r in self.session.execute(text(sql), params).mappings()]


@dataclass(frozen=True)
class DeliveryQuery:
    status: str = ""
    channel: str = ""
    destination: str = ""
    kind: str = ""
    after: tuple[dt.datetime, str] | None = None  # (created_at, message_id) of the last row of the page before
    limit: int = 50


# The catalogue's messages from the queue (with the provider's report once there is one), then the immediate ones
# (codes, links), which only `deliveries` knows. Each branch follows its own (created_at, message_id) index.
_STAFF_VIEW = (
    """SELECT o.message_id, o.channel, o.destination, o.kind, o.category,
              CASE WHEN d.report <> '' THEN d.report ELSE o.status END AS status, o.attempts, o.error,
              COALESCE(d.report_error, '') AS report_error, o.not_before, o.created_at, o.updated_at, d.sent_at,
              d.reported_at, COALESCE(d.provider_id, '') AS provider_id, true AS queued
       FROM outgoing o LEFT JOIN deliveries d ON d.message_id = o.message_id""",
    """SELECT d.message_id, d.channel, d.destination, d.purpose AS kind, '' AS category,
              CASE WHEN d.report <> '' THEN d.report ELSE d.status END AS status, d.attempts, d.error,
              d.report_error, NULL::timestamptz AS not_before, d.created_at, d.updated_at, d.sent_at, d.reported_at,
              d.provider_id, false AS queued
       FROM deliveries d WHERE NOT EXISTS (SELECT 1 FROM outgoing o WHERE o.message_id = d.message_id)""",
)


def _claimed(r) -> Claimed:
    message = Outgoing(message_id=r["message_id"], channel=r["channel"], destination=r["destination"],
                       subject=r["subject"], body=r["body"], purpose=r["kind"], html=r["html"],
                       unsubscribe_url=r["unsubscribe_url"])
    return Claimed(message=message, time_zone=r["time_zone"], attempts=r["attempts"])

