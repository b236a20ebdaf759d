"""In-memory ports of the catalogue (notify_many): inbox, outgoing queue, projections, preferences, contacts."""

from __future__ import annotations

import datetime as dt
import uuid

from services.notify.domain.model import AccountFact
from services.notify.domain.unsubscribe import DEV_UNSUBSCRIBE_SECRET, Links, UnsubscribeSigner
from services.notify.tests.unit.test_handlers import FakeInbox

LINKS = Links("https://lk.example.ru", UnsubscribeSigner(DEV_UNSUBSCRIBE_SECRET))
AT = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class Inbox(FakeInbox):
    def add_many(self, messages):
        for m in messages:
            self.add(m)

    def page(self, user_id, limit, after=None, *, unread_only=False):
        mine = sorted((m for m in self.messages.values() if m.user_id == user_id),
                      key=lambda m: (m.created_at, m.message_id), reverse=True)
        if after is not None:
            mine = [m for m in mine if (m.created_at, m.message_id) < after]
        return [m for m in mine if not (unread_only and m.read)][:limit]


class Queue:
    def __init__(self):
        self.queued = {}

    def enqueue(self, queued):
        for q in queued:
            self.queued.setdefault(q.message.message_id, q)

    def to(self, destination):
        return [q for q in self.queued.values() if q.message.destination == destination]


class Projection:
    def __init__(self):
        self.users, self.facts, self.zones = {}, {}, {}

    def bound(self, account_id, *users, number="12-10000001", category="household", time_zone="Asia/Yekaterinburg"):
        self.users[account_id] = list(users)
        self.facts[account_id] = AccountFact(number, category, time_zone)

    def users_of(self, account_ids):
        return {a: u for a, u in self.users.items() if a in account_ids}

    def facts_of(self, account_ids):
        return {a: f for a, f in self.facts.items() if a in account_ids}

    def time_zones_of_users(self, user_ids):
        return {u: z for u, z in self.zones.items() if u in user_ids}


class Preferences:
    def __init__(self):
        self.said, self.used = {}, set()

    def of_users(self, user_ids):
        return {u: dict(s) for u, s in self.said.items() if u in user_ids}

    def put(self, user_id, changes, at):
        for category, channel, enabled in changes:
            self.said.setdefault(user_id, {})[(category, channel)] = enabled

    def use_unsubscribe(self, message_id, user_id, category, at):
        fresh = message_id not in self.used
        self.used.add(message_id)
        return fresh

    def unsubscribe_used(self, message_id):
        return message_id in self.used


class Contacts:
    def __init__(self):
        self.rows = {}

    def put(self, user_id, channel, destination, as_of):
        self.rows.setdefault(user_id, {})[channel] = destination

    def of_users(self, user_ids):
        return {u: dict(c) for u, c in self.rows.items() if u in user_ids}


class CatalogueUoW:
    def __init__(self):
        self.inbox, self.outgoing, self.projection = Inbox(), Queue(), Projection()
        self.preferences, self.contacts = Preferences(), Contacts()
        self.commits = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def commit(self):
        self.commits += 1

    def reachable(self, user_id, *, email="", phone=""):
        if email:
            self.contacts.put(user_id, "email", email, AT)
        if phone:
            self.contacts.put(user_id, "sms", phone, AT)
        return user_id
