"""The catalogue's one entry point: notices -> inbox rows and SMS / e-mails planned in the outgoing queue.

`notify_many` runs inside the caller's transaction (a consumer's, or a use case's `with uow:`) and never commits.
It is set-based: whatever the number of notices, it costs a fixed handful of statements — the users bound to the
accounts, the accounts' facts (number, supplier's time zone), the users' time zones where no account is named,
their preferences, their verified contacts (each one `= ANY(:ids)` lookup), one multi-row insert into the inbox and
one into the outgoing queue — because readings.due brings 2,000,000 notices when a readings window opens.
Every message's id follows from the notice's event id (exactly once: a redelivered fact plans nothing new).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kit.errors import InvalidInput
from services.notify.domain import preferences
from services.notify.domain.catalogue import CATEGORIES, Kind, check_params, kind_of
from services.notify.domain.model import (
    EMAIL,
    SMS,
    AccountFact,
    InboxMessage,
    Notice,
    Outgoing,
    Queued,
    message_id_for,
)
from services.notify.domain.render import DEFAULT_TIME_ZONE, Rendered, Templates, default_templates
from services.notify.domain.unsubscribe import Links, UnsubscribeSigner


def links_of(config) -> Links:
    """The links of a configured service (NotifyConfig: public_url, unsubscribe_secret)."""
    return Links(config.public_url, UnsubscribeSigner(config.unsubscribe_secret))


@dataclass(frozen=True)
class Planned:
    """What a batch planned (before exactly-once: a redelivered notice counts again but inserts nothing)."""

    inbox: int = 0
    sms: int = 0
    email: int = 0


@dataclass(frozen=True)
class _Recipient:
    user_id: str | None
    channels: dict[str, str]  # channel -> destination


def notify_many(uow, notices: Sequence[Notice], *, links: Links, templates: Templates | None = None) -> Planned:
    """Tell each notice to whom it is for: its inbox copy (users only) and its SMS / e-mails by preferences."""
    if not notices:
        return Planned()
    templates = templates or default_templates()
    kinds = [kind_of(n.kind) for n in notices]
    for kind, notice in zip(kinds, notices, strict=True):
        check_params(kind, notice.params)
    world = _World.look_up(uow, notices)
    inbox: list[InboxMessage] = []
    queued: dict[str, Queued] = {}  # by message id: one message per destination, however many users share it
    for kind, notice in zip(kinds, notices, strict=True):
        fact = world.facts.get(notice.account_id or "")
        params = {"account_number": fact.number if fact else "", **notice.params}
        recipients = world.recipients(kind, notice, params)
        if not recipients:
            continue
        users = [r.user_id for r in recipients if r.user_id]
        time_zone = _time_zone(fact, world.user_zones, users)
        wanted = {c for r in recipients for c in r.channels}
        parts = (("inbox_title", "inbox") if kind.inbox and users else ()) + \
            (("sms",) if SMS in wanted else ()) + (("subject", "text", "html") if EMAIL in wanted else ())
        rendered = templates.render(kind.code, parts, {**params, "public_url": links.cabinet,
                                                       "time_zone": time_zone})
        if kind.inbox:
            inbox += [InboxMessage(message_id=message_id_for(notice.event_id, f"inbox:{u}"), user_id=u,
                                   category=kind.category, title=rendered.inbox_title, body=rendered.inbox,
                                   created_at=notice.occurred_at, account_id=notice.account_id) for u in users]
        for r in recipients:
            zone = _time_zone(fact, world.user_zones, [r.user_id] if r.user_id else [])
            for channel, destination in r.channels.items():
                q = _message(templates, links, kind, notice, rendered, r.user_id, channel, destination, zone)
                queued.setdefault(q.message.message_id, q)
    uow.inbox.add_many(inbox)
    uow.outgoing.enqueue(list(queued.values()))
    by_channel = [q.message.channel for q in queued.values()]
    return Planned(inbox=len(inbox), sms=by_channel.count(SMS), email=by_channel.count(EMAIL))


@dataclass
class _World:
    """What the batch needs to know about its recipients, each looked up once for the whole batch."""

    users_by_account: dict[str, list[str]]
    facts: dict[str, AccountFact]
    user_zones: dict[str, str]
    said: dict[str, dict[tuple[str, str], bool]]
    contacts: dict[str, dict[str, str]]

    @classmethod
    def look_up(cls, uow, notices: Sequence[Notice]) -> _World:
        by_account = {n.account_id for n in notices if n.account_id and not n.user_ids}
        accounts = {n.account_id for n in notices if n.account_id}
        users_by_account = uow.projection.users_of(by_account) if by_account else {}
        facts = uow.projection.facts_of(accounts) if accounts else {}
        users = {u for n in notices for u in n.user_ids} | {u for us in users_by_account.values() for u in us}
        # a user's notice about no account (a sign-in): the time zone of one of their accounts' suppliers
        zoneless = {u for n in notices if not (n.account_id and facts.get(n.account_id, None)) for u in n.user_ids}
        user_zones = uow.projection.time_zones_of_users(zoneless) if zoneless else {}
        said = uow.preferences.of_users(users) if users else {}
        contacts = uow.contacts.of_users(users) if users else {}
        return cls(users_by_account, facts, user_zones, said, contacts)

    def recipients(self, kind: Kind, notice: Notice, params: dict) -> list[_Recipient]:
        """Named users; else the users bound to the account; else the bare e-mail / phone (no cabinet)."""
        users = list(dict.fromkeys(notice.user_ids)) or self.users_by_account.get(notice.account_id or "", [])
        if users:
            out = []
            for u in users:
                reachable = self.contacts.get(u, {})
                chosen = preferences.deliver_by(kind, params, self.said.get(u, {}), reachable)
                out.append(_Recipient(u, {c: reachable[c] for c in chosen}))
            return out
        bare = {c: d for c, d in ((EMAIL, notice.email.strip()), (SMS, notice.phone.strip()))
                if d and kind.wanted(params, c)}
        return [_Recipient(None, bare)] if bare else []


def _time_zone(fact: AccountFact | None, user_zones: dict[str, str], users: Sequence[str]) -> str:
    if fact and fact.time_zone:
        return fact.time_zone
    return next((user_zones[u] for u in users if user_zones.get(u)), DEFAULT_TIME_ZONE)


def _message(templates: Templates, links: Links, kind: Kind, notice: Notice, rendered: Rendered,
             user_id: str | None, channel: str, destination: str, time_zone: str) -> Queued:
    message_id = message_id_for(notice.event_id, f"{kind.code}:{channel}:{destination.lower()}")
    category = CATEGORIES[kind.category]
    link = notice.params.get("link", "") if isinstance(notice.params.get("link"), str) else ""
    if channel == SMS:
        message = Outgoing(message_id, SMS, destination, "", rendered.sms, kind.code, link)
    else:
        unsubscribe, page = ("", "") if user_id is None or EMAIL in category.locked else links.unsubscribe_links(
            user_id=user_id, category=category.code, message_id=message_id)
        letter = templates.letter(rendered, unsubscribe_url=page, category_title=category.title,
                                  public_url=links.cabinet)
        message = Outgoing(message_id, EMAIL, destination, rendered.subject, letter.text, kind.code, link,
                           html=letter.html, unsubscribe_url=unsubscribe)
    return Queued(message=message, category=category.code, user_id=user_id, time_zone=time_zone)


NEWS_CHUNK = 5000  # users per notice of a news item (notify_many's multi-row inserts stay moderate)
NEWS_AUDIENCES = {"all": None, "households": False, "legal": True}  # NEWS_AUDIENCE -> legal entities only?


def tell_news(uow, *, links: Links, event_id: str, occurred_at, news_id: str, supplier_id: str, audience: str,
              title: str, summary: str, templates: Templates | None = None) -> int:
    """notify.news.published: the customers of the news' audience (the supplier's, "" every supplier's; all,
    households or legal entities by their accounts' category) who want news by SMS or e-mail hear of it — no inbox
    copy, the news list is where news are read. Set-based over the projections; how many customers it reached."""
    if audience not in NEWS_AUDIENCES:
        raise InvalidInput(f"news audience: {audience!r}", code="malformed_event")
    opted = None if CATEGORIES["news"].default else uow.preferences.opted_in("news")
    if opted is not None and not opted:
        return 0
    users = uow.projection.audience(supplier_id=supplier_id or None, legal=NEWS_AUDIENCES[audience], users=opted)
    params = {"title": title, "summary": summary, "link": f"{links.cabinet}/news/{news_id}"}
    for start in range(0, len(users), NEWS_CHUNK):
        notify_many(uow, [Notice(kind="news_published", event_id=event_id, occurred_at=occurred_at, params=params,
                                 user_ids=tuple(users[start:start + NEWS_CHUNK]))], links=links, templates=templates)
    return len(users)
