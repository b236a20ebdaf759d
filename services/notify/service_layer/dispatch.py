"""The dispatcher of the outgoing queue: each pass claims the due SMS and e-mails that the providers' token buckets
allow, holds the SMS that would arrive in the customer's quiet hours until the morning, sends the rest through the
channel's adapter and records what became of each (in the queue and in `deliveries`). Also: codes borrowing from
the same buckets, the SMS provider's delivery reports, staff's view of deliveries and the test-clock pass.

Exactly once, as far as it honestly goes: a row is marked `sending` (and its delivery `pending`) and committed
before it leaves, and settled after. A worker that dies between the provider's accept and that settlement leaves
the row `sending`; after the lease a later pass asks the provider whether it knows the message (SMSC knows it by
our message id, which we send as its `id`): known -> `sent`, unknown -> queued again. A provider that cannot be
asked (SMTP) gets it again: at least once in that window, with the same Message-ID. A delivery report for such a
row also settles it as sent.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from kit.clock import parse_instant
from kit.context import Caller
from kit.errors import Forbidden, InvalidInput, NotFound
from kit.ids import is_uuid
from kit.logging import ctx
from services.notify.adapters.dispatch_store import DeliveryQuery
from services.notify.domain.dispatch import (
    DELIVERED,
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    UNDELIVERABLE,
    Claimed,
    Outcome,
    QuietHours,
    Rate,
    Retry,
    grant,
    held_until,
    mask,
    smsc_report,
)
from services.notify.domain.model import CHANNELS, ERROR_LIMIT, DeliveryFailed, Outgoing
from services.notify.service_layer.delivery import Sender

log = logging.getLogger("notify.dispatch")

HOLD_PER_PASS = 5000  # SMS held for the morning in one pass at most (a night's queue is moved in a few passes)
STAFF_STATUSES = (QUEUED, SENDING, "pending", SENT, DELIVERED, UNDELIVERABLE, FAILED)
MAX_PAGE = 200


@dataclass(frozen=True)
class Dispatcher:
    """Everything a pass needs: the channels' adapters and rates, the quiet hours, the retries."""

    senders: Mapping[str, Sender]
    rates: Mapping[str, Rate]
    quiet: QuietHours
    retry: Retry
    batch: int = 500
    concurrency: int = 8
    lease_seconds: float = 300.0


@dataclass
class PassCounts:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    held: int = 0
    untried: int = 0
    recovered: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)  # sent, per channel


def dispatch(uow_factory, d: Dispatcher, *, moment: dt.datetime) -> PassCounts:
    """One pass at `moment` (now; or the test clock's): orphans first, then what each bucket allows."""
    counts = PassCounts(recovered=recover_orphans(uow_factory, d))
    claimed: list[Claimed] = []
    for channel, rate in d.rates.items():
        with uow_factory() as uow:
            taken, held = _claim(uow.dispatch, channel, rate, d, moment)
            uow.commit()
        claimed += taken
        counts.held += held
    if not claimed:
        return counts
    outcomes = _send_all(d, claimed, moment)
    with uow_factory() as uow:
        uow.dispatch.settle(outcomes)
        uow.commit()
    for o in outcomes:
        setattr(counts, _COUNTED[o.status], getattr(counts, _COUNTED[o.status]) + 1)
        if o.status == SENT:
            counts.by_channel[o.claimed.message.channel] = counts.by_channel.get(o.claimed.message.channel, 0) + 1
    return counts


_COUNTED = {SENT: "sent", "retry": "retried", FAILED: "failed", "untried": "untried"}


def _claim(store, channel: str, rate: Rate, d: Dispatcher, moment: dt.datetime) -> tuple[list[Claimed], int]:
    """Take what the bucket allows of the channel's due rows and mark them `sending`; hold the quiet ones (they
    take no token). Returns (to send, held)."""
    tokens, now = store.tokens(channel, rate)
    want = grant(tokens, d.batch)
    taken: list[Claimed] = []
    held = 0
    limit = want
    while len(taken) < want and held < HOLD_PER_PASS:
        rows = store.due(channel, moment, limit)
        if not rows:
            break
        later: dict[str, dt.datetime] = {}
        going: list[Claimed] = []
        for c in rows:
            until = held_until(channel, d.quiet, moment, c.time_zone)
            if until is not None:
                later[c.message.message_id] = until
            elif len(taken) + len(going) < want:
                going.append(c)
        store.hold(later)
        store.start(going)
        taken += going
        held += len(later)
        # the head of a night's queue is all held: look further in bigger steps
        limit = d.batch if later else want - len(taken)
    if taken:
        store.set_tokens(channel, tokens - len(taken), now)
    return taken, held


def _send_all(d: Dispatcher, claimed: Sequence[Claimed], moment: dt.datetime) -> list[Outcome]:
    """Send concurrently; once a channel's provider fails for a passing reason, its unsent rows wait for the next
    pass untried (no attempt burnt while the provider is down)."""
    troubled: set[str] = set()
    lock = threading.Lock()

    def one(c: Claimed) -> Outcome:
        channel = c.message.channel
        with lock:
            if channel in troubled:
                return Outcome(c, "untried")
        try:
            d.senders[channel].send(c.message)
        except DeliveryFailed as exc:
            return _failed(d, c, str(exc), exc.permanent, moment, troubled, lock)
        except Exception as exc:  # noqa: BLE001 - an adapter's bug must not lose the row: retried like a failure
            log.exception("sender raised", extra=ctx(message_id=c.message.message_id, channel=channel))
            return _failed(d, c, f"unexpected: {exc!r}", False, moment, troubled, lock)
        return Outcome(c, SENT)

    with ThreadPoolExecutor(max_workers=min(d.concurrency, len(claimed))) as pool:
        return list(pool.map(one, claimed))


def _failed(d: Dispatcher, c: Claimed, error: str, permanent: bool, moment: dt.datetime, troubled: set[str],
            lock: threading.Lock) -> Outcome:
    attempts = c.attempts + 1
    where = ctx(message_id=c.message.message_id, channel=c.message.channel, purpose=c.message.purpose,
                attempt=attempts, error=error)
    if d.retry.gives_up(attempts, permanent):
        log.error("delivery failed for good", extra=where)
        return Outcome(c, FAILED, error[:ERROR_LIMIT])
    with lock:
        troubled.add(c.message.channel)
    log.warning("delivery failed, will retry", extra=where)
    return Outcome(c, "retry", error[:ERROR_LIMIT], not_before=moment + d.retry.delay(attempts))


def recover_orphans(uow_factory, d: Dispatcher) -> int:
    """Sends cut short by a dead worker (`sending` past the lease): sent if the provider knows them, else queued
    again. Returns how many were settled."""
    with uow_factory() as uow:
        orphans = uow.dispatch.orphans(d.lease_seconds)
        if not orphans:
            return 0
        now = dt.datetime.now(dt.UTC)
        again = []
        for c in orphans:
            if _provider_knows(d.senders.get(c.message.channel), c.message):
                uow.dispatch.confirm_sent(c.message.message_id, now)
            else:
                again.append(Outcome(c, "untried"))
        uow.dispatch.settle(again)
        uow.commit()
    log.warning("orphaned sends settled", extra=ctx(count=len(orphans), queued_again=len(again)))
    return len(orphans)


def _provider_knows(sender, message: Outgoing) -> bool:
    accepted = getattr(sender, "accepted", None)
    if accepted is None:
        return False
    try:
        return accepted(message) is True
    except Exception as exc:  # noqa: BLE001 - cannot tell: send again rather than lose it
        log.warning("cannot ask the provider: %r", exc, extra=ctx(message_id=message.message_id))
        return False


# --- codes borrow from the same buckets ---------------------------------------------------------------------------

class Borrowing:
    """A channel's adapter on the immediate path (codes, links): each send takes a token from the provider's bucket,
    into debt if need be, and never waits — so the queue slows down while codes are being sent and the provider's
    limit holds overall. A bucket that cannot be reached does not stop a code."""

    def __init__(self, sender: Sender, channel: str, rate: Rate, uow_factory: Callable[[], object]) -> None:
        self.sender, self.channel, self.rate, self.uow = sender, channel, rate, uow_factory

    def send(self, message: Outgoing) -> None:
        try:
            borrow(self.uow, self.channel, self.rate)
        except Exception as exc:  # noqa: BLE001 - the code matters more than the count
            log.warning("token bucket unavailable: %r", exc, extra=ctx(channel=self.channel))
        self.sender.send(message)


def borrow(uow_factory, channel: str, rate: Rate) -> float:
    with uow_factory() as uow:
        tokens, now = uow.dispatch.tokens(channel, rate)
        left = rate.borrow(tokens)
        uow.dispatch.set_tokens(channel, left, now)
        uow.commit()
    return left


# --- the provider's delivery reports ------------------------------------------------------------------------------

SMS_GATEWAY = "sms_gateway"  # auth's partner kind of SMS gateways


def record_sms_status(uow_factory, caller: Caller | None, *, message_id: str, status: str, err: str = "",
                      at: dt.datetime | None = None) -> str:
    """An SMS gateway's status callback: `delivered` / `undeliverable` recorded on the delivery; `ignored` for a
    status that is not final or an id that is not one of ours (Kabinet's ids are UUIDs); NotFound for an id of ours
    not recorded yet (the report outran the send's commit: the gateway calls again)."""
    if caller is None or caller.kind != "partner" or SMS_GATEWAY not in caller.roles:
        raise Forbidden("Доступно только SMS-шлюзам.", code="partner_only")
    report = smsc_report(status, err)
    if report is None or not is_uuid(message_id):
        return "ignored"
    with uow_factory() as uow:
        if not uow.dispatch.report(message_id.lower(), report.outcome, report.error, at or dt.datetime.now(dt.UTC)):
            raise NotFound("Сообщение не найдено.", code="message_not_found")
        uow.commit()
    return report.outcome


# --- staff ------------------------------------------------------------------------------------------------------

def run_dispatch(uow_factory, d: Dispatcher, staff: Caller, *, as_of: str, now: dt.datetime,
                 test_clock: bool) -> tuple[dt.datetime, PassCounts]:
    """Staff (admin): one dispatch pass now — or at `as_of`, the test clock of dev and test only. Audited."""
    _require(staff, ("admin",))
    moment = parse_instant(as_of) if as_of and test_clock else now
    counts = dispatch(uow_factory, d, moment=moment)
    with uow_factory() as uow:
        uow.audit.record(actor_id=staff.user_id, roles=tuple(staff.roles), action="notify.dispatch.run",
                         entity="outgoing", after={"as_of": moment.isoformat(), "sent": counts.sent,
                                                   "held": counts.held, "retried": counts.retried,
                                                   "failed": counts.failed})
        uow.commit()
    return moment, counts


@dataclass(frozen=True)
class DeliveryPage:
    rows: list[dict]
    cursor: str  # "" on the last page


def list_deliveries(uow_factory, staff: Caller, *, status: str = "", channel: str = "", destination: str = "",
                    kind: str = "", cursor: str = "", limit: int = 50) -> DeliveryPage:
    """Staff (admin, operator): the queued and the immediate messages, newest first, a page at a time (keyset);
    destinations masked in the list (the filter takes the full one)."""
    _require(staff, ("admin", "operator"))
    errors = {}
    if status and status not in STAFF_STATUSES:
        errors["status"] = f"Один из: {', '.join(STAFF_STATUSES)}."
    if channel and channel not in CHANNELS:
        errors["channel"] = "sms или email."
    after = _decode(cursor) if cursor else None
    if cursor and after is None:
        errors["cursor"] = "Неверный курсор."
    if errors:
        raise InvalidInput(fields=errors)
    limit = min(max(limit or 50, 1), MAX_PAGE)
    query = DeliveryQuery(status=status, channel=channel, destination=destination.strip(), kind=kind, after=after,
                          limit=limit)
    with uow_factory() as uow:
        rows = uow.dispatch.list(query)
    for row in rows:
        row["message_id"] = str(row["message_id"])
        row["destination"] = mask(row["destination"])
    last = rows[-1] if len(rows) == limit else None
    return DeliveryPage(rows, _encode(last["created_at"], last["message_id"]) if last else "")


def _require(staff: Caller, roles: tuple[str, ...]) -> None:
    if staff.kind != "staff" or not set(roles) & set(staff.roles):
        raise Forbidden("Недостаточно прав для этого действия.", code="staff_only")


def _encode(at: dt.datetime, message_id: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{message_id}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[dt.datetime, str] | None:
    try:
        at, _, message_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition("|")
        moment = dt.datetime.fromisoformat(at)
    except (ValueError, UnicodeDecodeError):
        return None
    return (moment, message_id) if is_uuid(message_id) and moment.tzinfo else None
