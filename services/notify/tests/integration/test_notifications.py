"""The catalogue against real PostgreSQL (and NATS JetStream for its consumers): notify_many is set-based and
exactly once, preferences and critical channels hold, the projections of accounts follow the newest fact, news
reach only their audience who asked for them, and the inbox pages, counts and marks read."""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import contextmanager

import pytest
from kabinet.accounts.v1 import accounts_pb2
from kabinet.auth.v1 import auth_pb2
from kabinet.notify.v1 import notify_pb2
from kabinet.payments.v1 import payments_pb2
from sqlalchemy import event, insert, select

from kit.errors import NotFound, Rejected
from kit.events import Event
from kit.outbox import dead_letters, processed_events
from services.notify.adapters.orm import (
    account_facts,
    account_users,
    contacts,
    inbox,
    outgoing,
    supplier_facts,
)
from services.notify.domain.model import Notice
from services.notify.entrypoints.api import NotifyServicer
from services.notify.service_layer import inbox as inbox_cases
from services.notify.service_layer import preferences as prefs
from services.notify.service_layer.notifications import links_of, notify_many, tell_news
from services.notify.tests.integration.test_notify import (
    ACCOUNT,
    USER,
    as_user,
    consume,
    count,
)

pytestmark = pytest.mark.integration

AT = dt.datetime(2026, 11, 15, 4, tzinfo=dt.UTC)
DUE = {"period": "2026-11", "window_from": "2026-11-15", "window_to": "2026-11-25"}
SUPPLIER = str(uuid.uuid4())


def new_id() -> str:
    return str(uuid.uuid4())


def seed(rt, accounts: int, *, legal_every: int = 0) -> list[tuple[str, str]]:
    """`accounts` accounts of SUPPLIER (Yekaterinburg), one customer each with a verified e-mail and phone."""
    pairs = [(new_id(), new_id()) for _ in range(accounts)]
    with rt.engine.begin() as conn:
        conn.execute(insert(supplier_facts).values(supplier_id=SUPPLIER, name="ЕЭС", time_zone="Asia/Yekaterinburg",
                                                   as_of=AT))
        conn.execute(insert(account_facts), [dict(
            account_id=a, supplier_id=SUPPLIER, number=f"12-{i:08d}", as_of=AT,
            category="legal" if legal_every and i % legal_every == 0 else "household") for i, (a, _) in enumerate(pairs)])
        conn.execute(insert(account_users), [dict(account_id=a, user_id=u) for a, u in pairs])
        conn.execute(insert(contacts), [dict(user_id=u, channel=c, destination=d, as_of=AT) for i, (_, u) in
                                        enumerate(pairs) for c, d in (("email", f"c{i}@example.ru"),
                                                                      ("sms", f"+7900{i:07d}"))])
    return pairs


@contextmanager
def statements(rt):
    """Counts the SQL statements the block sends."""
    seen: list[str] = []

    def count_it(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(rt.engine, "before_cursor_execute", count_it)
    try:
        yield seen
    finally:
        event.remove(rt.engine, "before_cursor_execute", count_it)


def plan(rt, notices) -> None:
    with rt.uow() as uow:
        notify_many(uow, notices, links=links_of(rt.config))
        uow.commit()


def due(account_id: str, event_id: str | None = None, kind: str = "readings_due_closing") -> Notice:
    return Notice(kind, event_id or new_id(), AT, dict(DUE), account_id=account_id)


def test_a_thousand_reminders_cost_a_handful_of_statements_and_a_redelivery_plans_nothing(rt):
    pairs = seed(rt, 1000)
    batch = [due(a) for a, _ in pairs]
    with statements(rt) as seen:
        plan(rt, batch)
    assert len(seen) <= 8, seen  # users, facts, preferences, contacts, inbox, outgoing (+ the transaction's own)
    assert count(rt, inbox) == 1000
    assert count(rt, outgoing, outgoing.c.channel == "sms") == 1000
    assert count(rt, outgoing, outgoing.c.channel == "email") == 1000
    with rt.engine.connect() as conn:
        row = conn.execute(select(outgoing).where(outgoing.c.destination == "+79000000007")).one()
    assert (row.kind, row.category, row.time_zone) == ("readings_due_closing", "reminders", "Asia/Yekaterinburg")
    assert row.body == "Передайте показания по счёту 12-00000007 до 25.11 включительно."
    plan(rt, batch)  # the same facts again
    assert count(rt, inbox) == 1000 and count(rt, outgoing) == 2000


def test_preferences_are_respected_and_critical_channels_are_not_switchable(rt):
    (account, user), = seed(rt, 1)
    prefs.update_preferences(rt.uow(), user_id=user, changes=[("reminders", "sms", False),
                                                              ("reminders", "email", False), ("debt", "sms", False)])
    with pytest.raises(Rejected):
        prefs.update_preferences(rt.uow(), user_id=user, changes=[("debt", "email", False)])
    plan(rt, [due(account), Notice("debt_overdue", new_id(), AT, dict(due_on="2026-12-10", overdue_kop=153778,
                                                                      amount_due_kop=160000), account_id=account)])
    with rt.engine.connect() as conn:
        sent = conn.execute(select(outgoing.c.kind, outgoing.c.channel, outgoing.c.unsubscribe_url)).all()
    assert sent == [("debt_overdue", "email", "")]  # no reminder at all; the debt by e-mail, without unsubscribe
    assert count(rt, inbox) == 2


def test_the_unsubscribe_link_of_a_real_email_works_once_and_only_for_its_category(rt):
    (account, user), = seed(rt, 1)
    plan(rt, [due(account, kind="readings_due_opened")])
    with rt.engine.connect() as conn:
        url = conn.execute(select(outgoing.c.unsubscribe_url)).scalar_one()
    token = url.split("token=", 1)[1]
    api = NotifyServicer(rt.uow, dev_outbox=True, config=rt.config)
    reply = api.Unsubscribe(notify_pb2.UnsubscribeRequest(token=token), None)
    assert (reply.category, reply.enabled) == ("reminders", False)
    with pytest.raises(Rejected):
        api.Unsubscribe(notify_pb2.UnsubscribeRequest(token=token), None)
    assert api.DescribeUnsubscribe(notify_pb2.UnsubscribeRequest(token=token), None).used
    matrix = {(c.category, s.channel): s.enabled for c in prefs.get_preferences(rt.uow(), user_id=user)
              for s in c.channels}
    assert not matrix[("reminders", "email")] and matrix[("reminders", "sms")] and matrix[("readings", "email")]


def test_news_reach_the_audience_that_asked_for_them_and_no_inbox(rt):
    pairs = seed(rt, 30, legal_every=3)  # accounts 0, 3, 6, … are legal entities
    opted = [u for i, (_, u) in enumerate(pairs) if i % 2 == 0]  # customers 0, 2, 4, … want news by e-mail
    for user in opted:
        prefs.update_preferences(rt.uow(), user_id=user, changes=[("news", "email", True)])
    links = links_of(rt.config)

    def tell(audience, supplier_id=SUPPLIER) -> int:
        with rt.uow() as uow:
            told = tell_news(uow, links=links, event_id=new_id(), occurred_at=AT, news_id=new_id(),
                             supplier_id=supplier_id, audience=audience, title="Плановые работы", summary="10 декабря")
            uow.commit()
        return told

    assert tell("legal") == 5  # 0, 6, 12, 18, 24
    assert tell("households") == 10
    assert tell("all", supplier_id="") == 15
    assert tell("all", supplier_id=new_id()) == 0
    assert count(rt, inbox) == 0 and count(rt, outgoing, outgoing.c.kind == "news_published") == 30


def test_the_projections_and_the_catalogue_through_the_consumers_exactly_once(rt, nats_url):
    supplier, user = new_id(), USER
    later = dt.datetime.now(dt.UTC)
    facts = [
        (Event(type="accounts.supplier.changed", aggregate_id=supplier, occurred_at=later, payload=accounts_pb2.
               SupplierChanged(supplier=accounts_pb2.Supplier(supplier_id=supplier, timezone="Asia/Omsk"))), "s1"),
        (Event(type="accounts.account.changed", aggregate_id=ACCOUNT, occurred_at=later, payload=accounts_pb2.
               AccountChanged(account=accounts_pb2.Account(account_id=ACCOUNT, supplier_id=supplier,
                                                           number="55-00000001", category="household"))), "a1"),
        (Event(type="accounts.account.bound", aggregate_id=ACCOUNT, occurred_at=later, payload=accounts_pb2.
               AccountBound(account_id=ACCOUNT, user_id=user)), "b1"),
        # an older unbinding arriving late changes nothing
        (Event(type="accounts.account.unbound", aggregate_id=ACCOUNT, occurred_at=later - dt.timedelta(hours=1),
               payload=accounts_pb2.AccountUnbound(account_id=ACCOUNT, user_id=user)), "u1"),
        (Event(type="auth.contact.verified", aggregate_id=user, occurred_at=later, payload=auth_pb2.ContactVerified(
            user_id=user, channel="sms", destination="+79000000001")), "c1"),
    ]
    consume(rt, nats_url, facts, lambda: count(rt, processed_events) >= 5)
    debt = Event(type="payments.debt.overdue", aggregate_id=ACCOUNT, payload=payments_pb2.DebtOverdue(
        account_id=ACCOUNT, due_on="2026-12-10", overdue_kop=153778, amount_due_kop=160000))
    consume(rt, nats_url, [(debt, "d1"), (debt, "d2")], lambda: count(rt, processed_events) >= 6)
    assert count(rt, dead_letters) == 0
    with rt.engine.connect() as conn:
        row = conn.execute(select(outgoing)).one()
    assert (row.destination, row.kind, row.time_zone, row.user_id) == ("+79000000001", "debt_overdue", "Asia/Omsk",
                                                                       user)
    assert "55-00000001" in row.body
    unbound = Event(type="accounts.account.unbound", aggregate_id=ACCOUNT, payload=accounts_pb2.AccountUnbound(
        account_id=ACCOUNT, user_id=user))
    consume(rt, nats_url, [(unbound, "u2")], lambda: count(rt, account_users) == 0)


def test_the_inbox_pages_counts_and_marks_read_only_the_callers_messages(rt):
    (account, user), = seed(rt, 1)
    stranger = new_id()
    notices = [Notice("reading_accepted", new_id(), AT + dt.timedelta(minutes=i),
                      {"values": {"total": f"{100 + i}"}, "consumption": {}}, user_ids=(user,), account_id=account)
               for i in range(5)]
    plan(rt, notices + [Notice("contract_bound", new_id(), AT, {"contract_number": "1"}, user_ids=(stranger,))])
    first = inbox_cases.list_page(rt.uow(), user_id=user, limit=2)
    second = inbox_cases.list_page(rt.uow(), user_id=user, limit=2, page_token=first.next_page_token)
    third = inbox_cases.list_page(rt.uow(), user_id=user, limit=2, page_token=second.next_page_token)
    bodies = [m.body for p in (first, second, third) for m in p.messages]
    assert [b.split(": ")[1][:3] for b in bodies] == ["104", "103", "102", "101", "100"]
    assert third.next_page_token == "" and first.unread_count == 5

    api = NotifyServicer(rt.uow, dev_outbox=True, config=rt.config)
    theirs = inbox_cases.list_page(rt.uow(), user_id=stranger).messages[0].message_id
    with pytest.raises(NotFound):
        as_user(api.MarkNotificationRead, notify_pb2.MarkNotificationReadRequest(message_id=theirs), None)
    with pytest.raises(NotFound):
        inbox_cases.mark_read(rt.uow(), user_id=user, message_id="not-an-id")
    mine = first.messages[0].message_id
    assert inbox_cases.mark_read(rt.uow(), user_id=user, message_id=mine) == 4
    assert inbox_cases.mark_read(rt.uow(), user_id=user, message_id=mine) == 4  # again: nothing changes
    assert [m.message_id for m in inbox_cases.list_page(rt.uow(), user_id=user, unread_only=True).messages][0] != mine
    assert inbox_cases.mark_all_read(rt.uow(), user_id=user) == 4
    assert inbox_cases.unread_count(rt.uow(), user_id=user) == 0
    assert inbox_cases.unread_count(rt.uow(), user_id=stranger) == 1
