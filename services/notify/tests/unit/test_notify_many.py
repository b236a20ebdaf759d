"""notify_many with in-memory ports: whom a notice reaches (named users, the account's users, a bare address), by
which channels (preferences, contacts, critical ones), in which time zone, with which unsubscribe link — once."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from services.notify.domain.model import Notice, message_id_for
from services.notify.domain.unsubscribe import UNSUBSCRIBE_PAGE, UNSUBSCRIBE_PATH
from services.notify.service_layer.notifications import notify_many
from services.notify.tests.unit.catalogue_fakes import AT, LINKS, CatalogueUoW, new_id

DUE = {"period": "2026-11", "window_from": "2026-11-15", "window_to": "2026-11-25"}


def due(account_id, kind="readings_due_closing", event_id=None) -> Notice:
    """As the dispatch section's readings.due batch handler builds them."""
    return Notice(kind=kind, event_id=event_id or new_id(), occurred_at=AT, params=dict(DUE), account_id=account_id)


def test_a_reminder_reaches_every_customer_of_the_account_by_their_channels_in_the_suppliers_time_zone():
    uow, account = CatalogueUoW(), new_id()
    ivan = uow.reachable(new_id(), email="ivan@example.ru", phone="+79000000001")
    maria = uow.reachable(new_id(), phone="+79000000002")
    uow.projection.bound(account, ivan, maria, number="12-10000001", time_zone="Asia/Yekaterinburg")
    notice = due(account)
    planned = notify_many(uow, [notice], links=LINKS)

    assert (planned.inbox, planned.sms, planned.email) == (2, 2, 1)
    [sms] = uow.outgoing.to("+79000000002")
    assert sms.message.body == "Передайте показания по счёту 12-10000001 до 25.11 включительно."
    assert (sms.category, sms.user_id, sms.time_zone, sms.message.purpose) == (
        "reminders", maria, "Asia/Yekaterinburg", "readings_due_closing")
    [mail] = uow.outgoing.to("ivan@example.ru")
    assert mail.message.subject == "Приём показаний заканчивается 25.11.2026"
    assert "по лицевому счёту 12-10000001" in mail.message.body and "<p>" in mail.message.html
    titles = {m.user_id: m.title for m in uow.inbox.messages.values()}
    assert titles == {ivan: "Необходимо заявить показания", maria: "Необходимо заявить показания"}
    assert uow.inbox.messages[message_id_for(notice.event_id, f"inbox:{ivan}")].account_id == account


def test_a_redelivered_batch_plans_nothing_new():
    uow, accounts = CatalogueUoW(), [new_id() for _ in range(3)]
    for a in accounts:
        uow.projection.bound(a, uow.reachable(new_id(), email=f"{a}@example.ru"))
    batch = [due(a, "readings_due_opened") for a in accounts]
    notify_many(uow, batch, links=LINKS)
    notify_many(uow, batch, links=LINKS)
    assert len(uow.outgoing.queued) == 3 and len(uow.inbox.messages) == 3


def test_preferences_are_respected_and_nobody_else_is_touched():
    uow, account = CatalogueUoW(), new_id()
    quiet = uow.reachable(new_id(), email="quiet@example.ru", phone="+79000000003")
    uow.preferences.put(quiet, [("reminders", "sms", False), ("reminders", "email", False)], AT)
    uow.projection.bound(account, quiet)
    notify_many(uow, [due(account)], links=LINKS)
    assert uow.outgoing.queued == {} and len(uow.inbox.messages) == 1  # the inbox always gets its copy


def test_non_critical_emails_carry_a_signed_unsubscribe_link_critical_ones_none():
    uow, account = CatalogueUoW(), new_id()
    ivan = uow.reachable(new_id(), email="ivan@example.ru")
    uow.projection.bound(account, ivan)
    notify_many(uow, [due(account, "readings_due_opened"),
                      Notice("debt_overdue", new_id(), AT, dict(due_on="2026-12-10", overdue_kop=100,
                                                                amount_due_kop=100), account_id=account)],
                links=LINKS)
    reminder, debt = sorted(uow.outgoing.to("ivan@example.ru"), key=lambda q: q.message.purpose != "readings_due_opened")
    url = urlsplit(reminder.message.unsubscribe_url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"https://lk.example.ru{UNSUBSCRIBE_PATH}"
    token = LINKS.signer.verify(parse_qs(url.query)["token"][0])
    assert (token.user_id, token.category, token.channel, token.message_id) == (
        ivan, "reminders", "email", reminder.message.message_id)
    page = f"https://lk.example.ru{UNSUBSCRIBE_PAGE}?{url.query}"  # the letter links to the page, same token
    assert page in reminder.message.body and f'href="{page}"' in reminder.message.html.replace("&amp;", "&")
    assert reminder.message.unsubscribe_url not in reminder.message.body
    assert debt.message.unsubscribe_url == "" and "Отписаться" not in debt.message.body


def test_one_email_per_address_when_customers_share_it():
    uow, account = CatalogueUoW(), new_id()
    uow.projection.bound(account, uow.reachable(new_id(), email="buh@zavod.ru"),
                         uow.reachable(new_id(), email="BUH@zavod.ru"))
    notify_many(uow, [Notice("invoice_issued", new_id(), AT, dict(
        number=7, period="2026-11", amount_due_kop=107692, due_on="2026-12-10", bill_delivery="email",
        link="https://lk.example.ru/api/v1/invoices/1.pdf"), account_id=account)], links=LINKS)
    assert [q.message.destination for q in uow.outgoing.queued.values()] == ["buh@zavod.ru"]
    assert len(uow.inbox.messages) == 2


def test_named_users_win_over_the_account_and_a_bare_address_has_no_inbox_and_no_unsubscribe():
    uow, account = CatalogueUoW(), new_id()
    ivan, maria = uow.reachable(new_id(), email="ivan@example.ru"), uow.reachable(new_id(), email="m@example.ru")
    uow.projection.bound(account, ivan, maria)
    notify_many(uow, [Notice("reading_accepted", new_id(), AT, {"values": {"total": "1"}, "consumption": {}},
                             user_ids=(ivan,), account_id=account)], links=LINKS)
    assert [q.message.destination for q in uow.outgoing.queued.values()] == ["ivan@example.ru"]
    reply = dict(number=17, topic="Начисления", message="Почему?", reply="Перерасчёт сделан.", sent_on="04.12.2026")
    notify_many(uow, [Notice("feedback_replied", new_id(), AT, reply, email="anon@example.ru"),
                      Notice("feedback_replied", new_id(), AT, reply, phone="+79000000009")], links=LINKS)
    [mail] = uow.outgoing.to("anon@example.ru")
    assert mail.user_id is None and mail.message.unsubscribe_url == ""
    assert uow.outgoing.to("+79000000009")[0].message.body.startswith("Ответ на обращение от 04.12.2026:")
    assert len(uow.inbox.messages) == 1


def test_a_users_notice_about_no_account_takes_the_time_zone_of_their_supplier_else_moscow():
    uow = CatalogueUoW()
    far, near = uow.reachable(new_id(), phone="+79000000010"), uow.reachable(new_id(), phone="+79000000011")
    uow.projection.zones[far] = "Asia/Vladivostok"
    sign_in = dict(device="Firefox", ip="203.0.113.7", at="2026-12-04T05:15:00+00:00")
    notify_many(uow, [Notice("new_sign_in", new_id(), AT, sign_in, user_ids=(u,)) for u in (far, near)], links=LINKS)
    assert uow.outgoing.to("+79000000010")[0].time_zone == "Asia/Vladivostok"
    assert uow.outgoing.to("+79000000011")[0].time_zone == "Europe/Moscow"
    assert "04.12.2026 в 15:15" in [m for m in uow.inbox.messages.values() if m.user_id == far][0].body


def test_nobody_to_tell_plans_nothing():
    uow = CatalogueUoW()
    assert notify_many(uow, [due(new_id())], links=LINKS).inbox == 0  # an account nobody is bound to
    assert notify_many(uow, [], links=LINKS).inbox == 0
    assert uow.outgoing.queued == {} and uow.inbox.messages == {}
