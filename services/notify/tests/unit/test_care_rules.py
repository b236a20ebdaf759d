"""Customer care's rules as specifications: who reads which news, the life of a news item, outage notices in
force, feedback's contacts, attachments by their content, statuses and replies, and page cursors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest

from kit.errors import Conflict, InvalidInput
from services.notify.domain import care_pages, feedback, news, notices

NOW = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
# fixed, not random: they name parametrized tests, and every pytest-xdist worker must collect the same names
SPB, PERM = "0b6f3c8e-5a1d-4c2e-9f47-1d2e3f4a5b61", "7c9d2e1f-3b4a-4d5c-8e6f-2a3b4c5d6e72"
STAFF = str(uuid.uuid4())
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def item(supplier=None, audience="all", status="published", published_at=NOW - dt.timedelta(hours=1)):
    return news.NewsItem(news_id=str(uuid.uuid4()), supplier_id=supplier, audience=audience, title="Плановые работы",
                         body="Текст.", status=status, published_at=published_at, created_by=STAFF, created_at=NOW,
                         updated_at=NOW)


# --- news: who reads what ---

HOUSEHOLD = news.reader([(SPB, "urban_gas_stove")], "person")
LEGAL = news.reader([(SPB, "legal_budget")], "organization")
BOTH = news.reader([(SPB, "urban_gas_stove"), (PERM, "legal")], "person")


@pytest.mark.parametrize("reader,supplier,audience,visible", [
    (HOUSEHOLD, SPB, "all", True),
    (HOUSEHOLD, SPB, "households", True),
    (HOUSEHOLD, SPB, "legal", False),
    (HOUSEHOLD, PERM, "all", False),              # another supplier's news
    (HOUSEHOLD, None, "all", True),               # every supplier's
    (HOUSEHOLD, None, "households", True),
    (HOUSEHOLD, None, "legal", False),
    (LEGAL, SPB, "legal", True),
    (LEGAL, SPB, "households", False),
    (LEGAL, None, "legal", True),
    (BOTH, PERM, "legal", True),                  # legal at Perm …
    (BOTH, PERM, "households", False),            # … but not a household there
    (BOTH, SPB, "legal", False),
    (BOTH, SPB, "households", True),
])
def test_a_customer_reads_the_news_of_their_suppliers_for_their_audience(reader, supplier, audience, visible):
    assert news.visible_to(item(supplier, audience), reader, NOW) is visible


def test_a_legal_entity_is_an_account_of_category_legal_or_legal_something():
    assert news.is_legal("legal") and news.is_legal("legal_small")
    assert not news.is_legal("legalize") and not news.is_legal("urban_gas_stove") and not news.is_legal("")


def test_a_cabinet_without_accounts_reads_the_news_for_every_supplier_of_its_kind():
    person, organization = news.reader([], "person"), news.reader([], "organization")
    assert news.visible_to(item(None, "households"), person, NOW)
    assert not news.visible_to(item(None, "legal"), person, NOW)
    assert news.visible_to(item(None, "legal"), organization, NOW)
    assert not news.visible_to(item(SPB, "all"), person, NOW)


def test_without_signing_in_only_the_news_for_everyone_of_the_supplier_asked_for():
    public = news.Reader(public_supplier=SPB)
    assert news.visible_to(item(SPB, "all"), public, NOW)
    assert news.visible_to(item(None, "all"), public, NOW)
    assert not news.visible_to(item(SPB, "households"), public, NOW)
    assert not news.visible_to(item(PERM, "all"), public, NOW)
    assert not news.visible_to(item(SPB, "all"), news.Reader(), NOW)


@pytest.mark.parametrize("status,published_at", [("draft", None), ("withdrawn", NOW - dt.timedelta(days=1)),
                                                 ("published", NOW + dt.timedelta(minutes=1))])
def test_drafts_withdrawn_and_future_items_are_read_by_nobody(status, published_at):
    assert not news.visible_to(item(None, "all", status, published_at), HOUSEHOLD, NOW)


# --- news: the life of an item ---

def draft(**changes):
    fields = dict(supplier_id=None, audience="", title="Плановые работы", body="Первый абзац.\n\nВторой.",
                  published_at=None, created_by=STAFF, now=NOW) | changes
    return news.draft(str(uuid.uuid4()), **fields)


def test_a_draft_is_for_everyone_by_default_and_published_once():
    d = draft()
    assert (d.audience, d.status, d.published_at) == ("all", "draft", None)
    published, now = news.publish(d, NOW)
    assert now and published.status == "published" and published.published_at == NOW
    again, now = news.publish(published, NOW + dt.timedelta(hours=1))
    assert not now and again == published  # announced once


def test_a_date_given_by_staff_is_kept_but_never_in_the_future():
    earlier = NOW - dt.timedelta(days=2)
    assert news.publish(draft(published_at=earlier), NOW)[0].published_at == earlier
    with pytest.raises(InvalidInput) as refused:
        draft(published_at=NOW + dt.timedelta(days=1))
    assert "published_at" in refused.value.fields


def test_only_a_draft_is_edited_and_a_withdrawn_item_stays_withdrawn():
    published = news.publish(draft(), NOW)[0]
    with pytest.raises(Conflict, match="черновик"):
        news.edit(published, supplier_id=None, audience="all", title="Новый", body="Текст", published_at=None, now=NOW)
    withdrawn = news.withdraw(published, NOW)
    assert withdrawn.status == "withdrawn" and news.withdraw(withdrawn, NOW) is withdrawn
    with pytest.raises(Conflict) as refused:
        news.publish(withdrawn, NOW)
    assert refused.value.code == "news_withdrawn"
    with pytest.raises(Conflict) as refused:
        news.withdraw(draft(), NOW)
    assert refused.value.code == "news_not_published"


@pytest.mark.parametrize("field,value", [("title", ""), ("title", "x" * 201), ("title", "две\nстроки"),
                                         ("body", ""), ("body", "Смотрите <a href='x'>здесь</a>"),
                                         ("title", "<b>Важно</b>"), ("audience", "pensioners")])
def test_a_news_item_is_plain_text_within_its_limits(field, value):
    with pytest.raises(InvalidInput) as refused:
        draft(**{field: value})
    assert field in refused.value.fields


def test_paragraphs_split_by_an_empty_line_and_a_short_summary():
    body = "Уважаемые клиенты!\r\nС 1 января меняются тарифы.\n \nПодробнее: https://example.ru/tariffs\n\n\n"
    assert news.paragraphs(body) == ["Уважаемые клиенты!\nС 1 января меняются тарифы.",
                                     "Подробнее: https://example.ru/tariffs"]
    assert news.summary(body) == "Уважаемые клиенты! С 1 января меняются тарифы."
    assert len(news.summary("слово " * 100)) == 300 and news.summary("слово " * 100).endswith("…")
    assert news.summary("1 < 2 и 3 > 2") == "1 < 2 и 3 > 2"  # comparison signs are not HTML
    assert draft(body="1 < 2 и 3 > 2").body == "1 < 2 и 3 > 2"


# --- outage notices ---

def notice(**changes):
    fields = dict(supplier_id=None, text="Плановые работы 5 декабря с 01:00 до 03:00.", severity="", starts_at=None,
                  ends_at=None, created_by=STAFF, now=NOW) | changes
    return notices.new_notice(str(uuid.uuid4()), **fields)


def test_a_notice_is_in_force_from_its_start_until_its_end():
    n = notice(starts_at=NOW + dt.timedelta(hours=1), ends_at=NOW + dt.timedelta(hours=3))
    assert n.severity == "info"
    assert not n.in_force(NOW)
    assert n.in_force(NOW + dt.timedelta(hours=1)) and n.in_force(NOW + dt.timedelta(hours=2, minutes=59))
    assert not n.in_force(NOW + dt.timedelta(hours=3))
    assert notice().in_force(NOW + dt.timedelta(days=365))  # no end: until ended


def test_ending_early_ends_now_and_one_not_started_never_shows():
    running = notice()
    ended = notices.end(running, NOW + dt.timedelta(minutes=5))
    assert ended.ends_at == NOW + dt.timedelta(minutes=5) and not ended.in_force(NOW + dt.timedelta(minutes=5))
    later = notice(starts_at=NOW + dt.timedelta(days=1))
    assert not any(notices.end(later, NOW).in_force(NOW + dt.timedelta(hours=h)) for h in (0, 24, 48))
    with pytest.raises(Conflict):
        notices.end(ended, NOW + dt.timedelta(hours=1))


@pytest.mark.parametrize("changes,field", [
    ({"text": ""}, "text"), ({"text": "x" * 501}, "text"), ({"text": "<script>x</script>"}, "text"),
    ({"severity": "critical"}, "severity"),
    ({"ends_at": NOW - dt.timedelta(minutes=1)}, "ends_at"),
    ({"starts_at": NOW + dt.timedelta(hours=2), "ends_at": NOW + dt.timedelta(hours=1)}, "ends_at"),
])
def test_a_notice_is_checked(changes, field):
    with pytest.raises(InvalidInput) as refused:
        notice(**changes)
    assert field in refused.value.fields


# --- feedback: contacts ---

@pytest.mark.parametrize("written,normal", [
    ("+7 911 123-45-67", "+79111234567"), ("8 (911) 123-45-67", "+79111234567"), ("79111234567", "+79111234567"),
    ("+7 (812) 303-69-69", "+78123036969"),
    ("911 123-45-67", ""), ("+1 202 555 0100", ""), ("+7 911 123 45 67 8", ""), ("8-911-ABC-45-67", ""),
    ("++79111234567", ""), ("", ""),
])
def test_a_phone_is_a_russian_number(written, normal):
    assert feedback.phone_number(written) == normal


@pytest.mark.parametrize("written,normal", [
    (" Ivan.Petrov@Mail.RU ", "ivan.petrov@mail.ru"), ("a+b@xn--80a1acny.xn--p1ai", "a+b@xn--80a1acny.xn--p1ai"),
    ("Иван@Почта.РФ", "иван@xn--80a1acny.xn--p1ai"), ("ivan@mail", ""), ("ivan mail.ru", ""), ("@mail.ru", ""), ("ivan@-mail.ru", ""), ("a@b@c.ru", ""),
    ("x" * 250 + "@mail.ru", ""),
])
def test_an_email_is_an_address(written, normal):
    assert feedback.email_address(written) == normal


def test_without_signing_in_a_name_an_address_and_an_email_or_a_phone():
    author = feedback.anonymous(name="  Иван   Петров ", email="", phone="8 911 123 45 67", address="СПб, Невский, 1")
    assert (author.name, author.phone, author.email) == ("Иван Петров", "+79111234567", "")
    with pytest.raises(InvalidInput) as refused:
        feedback.anonymous(name="Иван", email="", phone="", address="СПб")
    assert set(refused.value.fields) == {"email", "phone"} and refused.value.code == "invalid_contacts"
    with pytest.raises(InvalidInput) as refused:
        feedback.anonymous(name="", email="ivan@mail", phone="", address="")
    assert set(refused.value.fields) == {"name", "email", "address"}


def test_the_idempotency_scope_is_the_user_or_the_contacts():
    assert feedback.Author(user_id=STAFF).key == f"u:{STAFF}"
    one = feedback.anonymous(name="Иван", email="i@mail.ru", phone="", address="СПб")
    other = feedback.anonymous(name="Пётр", email="p@mail.ru", phone="", address="СПб")
    assert one.key.startswith("c:") and one.key != other.key and "i@mail.ru" not in one.key


# --- feedback: attachments ---

def test_attachments_are_told_by_their_content_and_named_safely():
    found = feedback.attachments([("скан.PDF", PDF), ("C:\\фото\\счётчик", JPEG), ("../../etc/passwd.png", PNG)])
    assert [(a.n, a.filename, a.content_type, a.size) for a in found] == [
        (1, "скан.PDF", "application/pdf", len(PDF)), (2, "счётчик.jpg", "image/jpeg", len(JPEG)),
        (3, "passwd.png", "image/png", len(PNG))]
    assert feedback.attachments([("photo.jpeg", JPEG)])[0].filename == "photo.jpeg"
    assert feedback.attachments([("", PNG)])[0].filename == "вложение-1.png"
    assert feedback.attachments([("отчёт.exe", PDF)])[0].filename == "отчёт.exe.pdf"  # named for what it is


def test_each_bad_file_is_named_in_its_own_error():
    with pytest.raises(InvalidInput) as refused:
        feedback.attachments([("вирус.pdf", b"MZ\x90\x00"), ("пусто.png", b""),
                              ("большой.jpg", JPEG + b"\x00" * (2 * 1024 * 1024))])
    assert refused.value.code == "invalid_attachment"
    assert refused.value.fields == {"files[0]": "Файл «вирус.pdf»: можно приложить только PDF, JPEG или PNG.",
                                    "files[1]": "Файл «пусто.png» пуст.",
                                    "files[2]": "Файл «большой.jpg» больше 2 МБ."}


def test_html_named_as_png_and_a_content_type_are_not_trusted():
    with pytest.raises(InvalidInput):
        feedback.attachments([("image.png", b"<html><script>alert(1)</script>")])
    with pytest.raises(InvalidInput) as refused:
        feedback.attachments([("a.pdf", PDF)] * 4)
    assert refused.value.code == "too_many_attachments"
    exactly = feedback.attachments([("a.pdf", PDF + b"\x00" * (2 * 1024 * 1024 - len(PDF)))])
    assert exactly[0].size == 2 * 1024 * 1024


# --- feedback: statuses and replies ---

def message(status="new"):
    m = feedback.new_feedback(str(uuid.uuid4()), feedback.Author(user_id=STAFF), topic="question", text=" Вопрос ",
                              attachments=(), idempotency_key="", now=NOW)
    return dataclasses.replace(m, status=status)


@pytest.mark.parametrize("start,to,allowed", [
    ("new", "in_progress", True), ("new", "closed", True), ("in_progress", "closed", True),
    ("answered", "closed", True), ("answered", "in_progress", True), ("closed", "in_progress", True),
    ("in_progress", "new", False), ("closed", "new", False), ("answered", "new", False), ("closed", "closed", True),
])
def test_staff_move_a_message_along_its_statuses(start, to, allowed):
    if allowed:
        assert feedback.set_status(message(start), to, NOW).status == to
    else:
        with pytest.raises(Conflict) as refused:
            feedback.set_status(message(start), to, NOW)
        assert refused.value.code == "invalid_status_transition"


def test_answered_comes_with_a_reply_and_a_closed_message_takes_none():
    with pytest.raises(Conflict) as refused:
        feedback.set_status(message("in_progress"), "answered", NOW)
    assert refused.value.code == "reply_required"
    answered, reply = feedback.reply(message("new"), str(uuid.uuid4()), "  Ответ  ", STAFF, NOW)
    assert answered.status == "answered" and answered.replies == (reply,) and reply.text == "Ответ"
    again, _ = feedback.reply(answered, str(uuid.uuid4()), "Дополнение", STAFF, NOW)
    assert len(again.replies) == 2
    with pytest.raises(Conflict, match="закрыто"):
        feedback.reply(message("closed"), str(uuid.uuid4()), "Ответ", STAFF, NOW)
    with pytest.raises(InvalidInput):
        feedback.reply(message("new"), str(uuid.uuid4()), "   ", STAFF, NOW)


@pytest.mark.parametrize("topic,text,field", [("weather", "Вопрос", "topic"), ("question", "  ", "text"),
                                              ("question", "x" * 4001, "text")])
def test_a_message_has_a_topic_and_a_text(topic, text, field):
    with pytest.raises(InvalidInput) as refused:
        feedback.new_feedback(str(uuid.uuid4()), feedback.Author(user_id=STAFF), topic=topic, text=text,
                              attachments=(), idempotency_key="", now=NOW)
    assert field in refused.value.fields


# --- pages ---

def test_a_cursor_carries_a_moment_and_an_id_and_a_foreign_one_is_refused():
    moment, item_id = NOW + dt.timedelta(microseconds=123), str(uuid.uuid4())
    assert care_pages.parse_cursor(care_pages.cursor_of(moment, item_id)) == (moment, item_id)
    assert care_pages.parse_cursor("") is None
    for bad in ("abc", "zz.not-hex", "1.2.3"):
        with pytest.raises(InvalidInput):
            care_pages.parse_cursor(bad)
    assert (care_pages.page_size(0), care_pages.page_size(500)) == (20, 100)
