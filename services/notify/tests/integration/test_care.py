"""Customer care against real PostgreSQL: who reads which news (the store's SQL says what domain/news.py says),
publishing announced once through the outbox, outage notices in force, feedback with attachments, idempotency,
another's message not found, staff's queue, statuses and replies, every staff action audited."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import uuid

import pytest
from sqlalchemy import insert, select

from kit.context import Caller, caller_var
from kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from kit.events import decode
from kit.outbox import outbox
from services.notify.adapters.orm import account_facts, account_users, audit_log, contacts, inbox, outgoing
from services.notify.domain import news as rules
from services.notify.entrypoints.api import NotifyServicer
from services.notify.service_layer import feedback, news, notices
from services.notify.tests.integration.test_notify import count, rt  # noqa: F401 - the fixture

pytestmark = pytest.mark.integration

NOW = dt.datetime.now(dt.UTC)
SPB, PERM, OTHER = (str(uuid.uuid4()) for _ in range(3))
ADMIN = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("admin",))
OPERATOR = Caller(user_id=str(uuid.uuid4()), kind="staff", roles=("operator",))
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def customer(kind="person") -> Caller:
    return Caller(user_id=str(uuid.uuid4()), kind=kind)


def bind(rt, user: Caller, supplier: str, category: str) -> str:  # noqa: F811
    """An account of `supplier` bound to `user`, as the notifications section's projections hold it."""
    account = str(uuid.uuid4())
    with rt.engine.begin() as conn:
        conn.execute(insert(account_facts).values(account_id=account, supplier_id=supplier, number="12-1",
                                                  category=category, as_of=NOW))
        conn.execute(insert(account_users).values(account_id=account, user_id=user.user_id))
    return account


@contextlib.contextmanager
def calling(who: Caller | None):
    token = caller_var.set(who)
    try:
        yield
    finally:
        caller_var.reset(token)


def publish(rt, supplier, audience, *, at=None):  # noqa: F811
    item = news.create_news(rt.uow(), ADMIN, supplier_id=supplier or "", audience=audience,
                            title=f"{supplier} {audience}", body="Абзац.", published_at=at or "")
    return news.publish_news(rt.uow(), ADMIN, item.news_id)


def test_customers_read_what_the_domain_says_they_read(rt):  # noqa: F811
    household, legal, both, fresh = customer(), customer("organization"), customer(), customer("organization")
    bind(rt, household, SPB, "urban_gas_stove")
    bind(rt, legal, SPB, "legal")
    bind(rt, both, SPB, "rural")
    bind(rt, both, PERM, "legal_small")
    items = [publish(rt, s, a) for s, a in itertools.product((None, SPB, PERM, OTHER), ("all", "households", "legal"))]
    draft = news.create_news(rt.uow(), ADMIN, supplier_id="", audience="all", title="Черновик", body="Текст")
    withdrawn = news.withdraw_news(rt.uow(), ADMIN, publish(rt, None, "all").news_id)
    ours = {i.news_id for i in items} | {draft.news_id, withdrawn.news_id}
    now = dt.datetime.now(dt.UTC)
    readers = [(who, rules.reader(_accounts(rt, who), who.kind))
               for who in (household, legal, both, fresh)]
    for who, reader in readers:
        listed, _ = news.list_news(rt.uow(), who, page_size=100)
        expected = {i.news_id for i in items if rules.visible_to(i, reader, now)}
        assert {n.news_id for n in listed} & ours == expected, who
        for i in items:
            if i.news_id in expected:
                assert news.get_news(rt.uow(), who, i.news_id).news_id == i.news_id
            else:
                with pytest.raises(NotFound):
                    news.get_news(rt.uow(), who, i.news_id)
    for supplier in ("", SPB):
        public, _ = news.list_news(rt.uow(), None, supplier_id=supplier, page_size=100)
        expected = {i.news_id for i in items if i.audience == "all" and i.supplier_id in (None, supplier or None)}
        assert {n.news_id for n in public} & ours == expected
    with pytest.raises(NotFound):
        news.get_news(rt.uow(), household, withdrawn.news_id)


def _accounts(rt, who):  # noqa: F811
    with rt.uow() as uow:
        return uow.news.reader_accounts(who.user_id)


def test_news_come_newest_first_a_page_at_a_time(rt):  # noqa: F811
    supplier, reader = str(uuid.uuid4()), customer()
    bind(rt, reader, supplier, "urban")
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    made = [publish(rt, supplier, "all", at=(start + dt.timedelta(days=i)).isoformat()) for i in range(5)]
    seen, cursor = [], ""
    while True:
        page, cursor = news.list_news(rt.uow(), reader, page_size=2, cursor=cursor)
        seen += [n.news_id for n in page if n.supplier_id == supplier]
        if not cursor:
            break
    assert seen == [n.news_id for n in reversed(made)]
    with pytest.raises(InvalidInput):
        news.list_news(rt.uow(), reader, cursor="garbage")


def test_publishing_is_announced_once_through_the_outbox_and_audited(rt):  # noqa: F811
    item = news.create_news(rt.uow(), ADMIN, supplier_id=SPB, audience="legal", title="Новые тарифы",
                            body="С 1 января тарифы меняются.\n\nПодробности на сайте.")
    edited = news.update_news(rt.uow(), ADMIN, item.news_id, supplier_id=SPB, audience="legal",
                              title="Новые тарифы с 1 января", body=item.body)
    assert edited.title == "Новые тарифы с 1 января"
    news.publish_news(rt.uow(), ADMIN, item.news_id)
    news.publish_news(rt.uow(), ADMIN, item.news_id)
    with rt.engine.connect() as conn:
        rows = conn.execute(select(outbox).where(outbox.c.aggregate_id == item.news_id)).all()
    assert [r.subject for r in rows] == ["notify.news.published"]
    payload = decode(rows[0].envelope).payload
    assert (payload.supplier_id, payload.audience, payload.summary) == (SPB, "legal", "С 1 января тарифы меняются.")
    with pytest.raises(Conflict):
        news.update_news(rt.uow(), ADMIN, item.news_id, supplier_id=SPB, audience="all", title="x", body="y")
    actions = _audit(rt, item.news_id)
    assert actions == ["news.create", "news.update", "news.publish"]


def test_operators_read_news_and_notices_but_only_admins_write_them(rt):  # noqa: F811
    items, _ = news.staff_list_news(rt.uow(), OPERATOR, status="draft", page_size=5)
    assert all(i.status == "draft" for i in items)
    for write in (lambda c: news.create_news(rt.uow(), c, supplier_id="", audience="", title="x", body="y"),
                  lambda c: notices.create(rt.uow(), c, supplier_id="", text="x", severity="")):
        for who in (OPERATOR, customer()):
            with pytest.raises(Forbidden):
                write(who)
    with pytest.raises(Forbidden):
        news.staff_list_news(rt.uow(), customer())


def test_the_status_shows_the_notices_in_force_now(rt):  # noqa: F811
    now = dt.datetime.now(dt.UTC)
    everyone = notices.create(rt.uow(), ADMIN, supplier_id="", text="Плановые работы", severity="warning")
    perm = notices.create(rt.uow(), ADMIN, supplier_id=PERM, text="Сбой оплаты картой", severity="")
    later = notices.create(rt.uow(), ADMIN, supplier_id="", text="Завтра работы",
                           starts_at=(now + dt.timedelta(days=1)).isoformat(), severity="info")

    def shown(supplier=""):
        return {n.notice_id for n in notices.in_force(rt.uow(), supplier_id=supplier)}

    assert {everyone.notice_id, perm.notice_id} <= shown() and later.notice_id not in shown()
    assert everyone.notice_id in shown(SPB) and perm.notice_id not in shown(SPB) and perm.notice_id in shown(PERM)
    notices.end(rt.uow(), ADMIN, everyone.notice_id)
    assert everyone.notice_id not in shown()
    with pytest.raises(Conflict):
        notices.end(rt.uow(), ADMIN, everyone.notice_id)
    assert _audit(rt, everyone.notice_id) == ["notice.create", "notice.end"]
    listed = notices.staff_list(rt.uow(), OPERATOR, page_size=10)
    assert {everyone.notice_id, perm.notice_id, later.notice_id} <= {n.notice_id for n in listed}


class Told:
    """The catalogue's entry point as the reply calls it (the real one in test_a_reply_reaches_the_inbox)."""

    def __init__(self) -> None:
        self.notices = []

    def __call__(self, uow, notices_) -> None:
        self.notices += list(notices_)


def test_feedback_signed_in_with_attachments_to_a_reply(rt):  # noqa: F811
    author, stranger = customer(), customer()
    account = bind(rt, author, SPB, "urban")
    sent = feedback.submit(rt.uow(), author, topic="readings", text="Не принимаются показания", account_id=account,
                           files=[("скан.pdf", PDF), ("фото", PNG)], idempotency_key="key-0001")
    assert sent.number > 0 and [a.filename for a in sent.attachments] == ["скан.pdf", "фото.png"]
    again = feedback.submit(rt.uow(), author, topic="readings", text="Не принимаются показания", account_id=account,
                            files=[("скан.pdf", PDF)], idempotency_key="key-0001")
    assert again.feedback_id == sent.feedback_id
    with pytest.raises(NotFound):  # not my account
        feedback.submit(rt.uow(), stranger, topic="question", text="?", account_id=account)
    with pytest.raises(NotFound):
        feedback.get_mine(rt.uow(), stranger, sent.feedback_id)
    [mine], _ = feedback.list_mine(rt.uow(), author)
    assert mine.feedback_id == sent.feedback_id and mine.status == "new" and len(mine.attachments) == 2

    queue, _ = feedback.queue(rt.uow(), OPERATOR, status="new", topic="readings", page_size=100)
    assert sent.feedback_id in {f.feedback_id for f in queue}
    file = feedback.staff_attachment(rt.uow(), OPERATOR, sent.feedback_id, 2)
    assert (file.content, file.content_type) == (PNG, "image/png")
    with pytest.raises(NotFound):
        feedback.staff_attachment(rt.uow(), OPERATOR, sent.feedback_id, 3)
    feedback.set_status(rt.uow(), OPERATOR, sent.feedback_id, "in_progress")
    told = Told()
    answered = feedback.reply(rt.uow(), OPERATOR, sent.feedback_id, "Показания приняты вручную.", notify=told)
    assert answered.status == "answered"
    [notice] = told.notices
    assert (notice.kind, notice.user_ids, notice.event_id) == ("feedback_replied", (author.user_id,),
                                                               answered.replies[0].reply_id)
    assert notice.params["number"] == sent.number and notice.params["topic"] == "Показания и приборы учёта"
    assert feedback.get_mine(rt.uow(), author, sent.feedback_id).replies[0].text == "Показания приняты вручную."
    feedback.set_status(rt.uow(), ADMIN, sent.feedback_id, "closed")
    with pytest.raises(Conflict):
        feedback.reply(rt.uow(), OPERATOR, sent.feedback_id, "Ещё", notify=told)
    assert _audit(rt, sent.feedback_id) == ["feedback.attachment", "feedback.status", "feedback.reply",
                                            "feedback.status"]
    with pytest.raises(Forbidden):
        feedback.queue(rt.uow(), author)


def test_feedback_without_signing_in_is_answered_to_the_contacts_given(rt):  # noqa: F811
    sent = feedback.submit_public(rt.uow(), topic="suggestion", text="Сделайте тёмную тему", name="Анна",
                                  email="Anna@Example.ru", phone="8 911 000 00 00", address="СПб",
                                  idempotency_key="anon-key-1")
    assert not sent.author.user_id and sent.author.email == "anna@example.ru"
    assert feedback.submit_public(rt.uow(), topic="suggestion", text="Сделайте тёмную тему", name="Анна",
                                  email="anna@example.ru", phone="+79110000000", address="СПб",
                                  idempotency_key="anon-key-1").feedback_id == sent.feedback_id
    other = feedback.submit_public(rt.uow(), topic="suggestion", text="Другое", name="Пётр", email="p@example.ru",
                                   phone="", address="СПб", idempotency_key="anon-key-1")
    assert other.feedback_id != sent.feedback_id  # the same key of someone else is theirs
    told = Told()
    feedback.reply(rt.uow(), ADMIN, sent.feedback_id, "Спасибо!", notify=told)
    [notice] = told.notices
    assert (notice.user_ids, notice.email, notice.phone) == ((), "anna@example.ru", "")
    phone_only = feedback.submit_public(rt.uow(), topic="question", text="?", name="Иван", email="",
                                        phone="+7 911 111-22-33", address="СПб")
    feedback.reply(rt.uow(), ADMIN, phone_only.feedback_id, "Ответ", notify=told)
    assert (told.notices[-1].email, told.notices[-1].phone) == ("", "+79111112233")


def _audit(rt, entity_id: str) -> list[str]:  # noqa: F811
    with rt.engine.connect() as conn:
        return list(conn.execute(select(audit_log.c.action).where(audit_log.c.entity_id == entity_id)
                                 .order_by(audit_log.c.id)).scalars())


def test_a_reply_reaches_the_inbox_and_the_mailbox_through_the_catalogue(rt):  # noqa: F811
    author = customer()
    with rt.engine.begin() as conn:
        conn.execute(insert(contacts).values(user_id=author.user_id, channel="email", destination="a@example.ru",
                                             as_of=NOW))
    tell = NotifyServicer(rt.uow, dev_outbox=True, config=rt.config).care_notify()
    signed = feedback.submit(rt.uow(), author, topic="payments", text="Нет чека за оплату")
    feedback.reply(rt.uow(), OPERATOR, signed.feedback_id, "Чек отправлен на почту.", notify=tell)
    anonymous = feedback.submit_public(rt.uow(), topic="question", text="?", name="Анна", email="anna@example.ru",
                                       phone="", address="СПб")
    feedback.reply(rt.uow(), OPERATOR, anonymous.feedback_id, "Ответ без кабинета.", notify=tell)

    assert count(rt, inbox, inbox.c.user_id == author.user_id) == 1
    with rt.engine.connect() as conn:
        mails = conn.execute(select(outgoing.c.destination, outgoing.c.user_id, outgoing.c.body)
                             .where(outgoing.c.kind == "feedback_replied",
                                    outgoing.c.destination.in_(("a@example.ru", "anna@example.ru")))).all()
    assert sorted((m.destination, m.user_id) for m in mails) == [("a@example.ru", author.user_id),
                                                                 ("anna@example.ru", None)]
    assert any("Чек отправлен на почту." in m.body for m in mails)
