"""Every fact of the catalogue through its subscription's handler: the notice it makes (or none), to whom, once; a
malformed fact is poison. Catalogue subscriptions only write, so they share a fetch's transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from kabinet.accounts.v1 import accounts_pb2 as acc
from kabinet.auth.v1 import auth_pb2 as auth
from kabinet.payments.v1 import payments_pb2 as pay
from kabinet.readings.v1 import readings_pb2 as rd

from kit.errors import InvalidInput
from kit.events import Event
from services.notify.domain.model import message_id_for
from services.notify.entrypoints.events import subscriptions
from services.notify.tests.unit.catalogue_fakes import AT, LINKS, CatalogueUoW, new_id

HANDLERS = {subject: (sub, sub.handler_for(subject)) for sub in subscriptions({}, links=LINKS)
            for subject in sub.subjects}
ACCOUNT = new_id()


def consume(uow, subject, payload, event_id=None, times=1) -> Event:
    event = Event(type=subject, aggregate_id=ACCOUNT, payload=payload, occurred_at=AT, id=event_id or new_id())
    for _ in range(times):
        HANDLERS[subject][1](event, uow)
    return event


@pytest.fixture
def uow():
    return CatalogueUoW()


def customer(uow, **contacts):
    return uow.reachable(new_id(), **(contacts or {"email": "ivan@example.ru"}))


def test_the_catalogue_subscriptions_share_a_transaction_and_the_immediate_paths_do_not():
    shared = {sub.durable for sub, _ in HANDLERS.values() if sub.shared_transaction}
    assert shared == {"notify-readings", "notify-payments", "notify-invoices", "notify-contacts", "notify-projections",
                      "notify-news"}
    batched = {s for sub, _ in HANDLERS.values() for s in sub.batch_handlers}
    assert batched >= {"readings.reading.accepted", "payments.charge.posted", "payments.invoice.issued",
                       "auth.user.signed_in"}
    assert HANDLERS["auth.code.requested"][0].durable == "notify-auth"
    assert "readings.due" not in HANDLERS  # the dispatch section's (entrypoints/reminders.py)


def test_a_reading_tells_whoever_submitted_it_once_and_an_automatic_one_nobody(uow):
    ivan = customer(uow)
    reading = rd.ReadingAccepted(reading_id=new_id(), account_id=ACCOUNT, submitted_by=ivan,
                                 values=[rd.ZoneValue(zone="total", value="10500.500")],
                                 consumption=[rd.ZoneValue(zone="total", value="50.500")])
    event = consume(uow, "readings.reading.accepted", reading, times=2)
    [message] = uow.inbox.messages.values()
    assert (message.message_id, message.title, message.category, message.account_id) == (
        message_id_for(event.id, f"inbox:{ivan}"), "Показания приняты", "readings", ACCOUNT)
    [mail] = uow.outgoing.queued.values()  # readings: e-mail on by default, SMS off
    assert mail.message.channel == "email" and mail.category == "readings"
    automatic = rd.ReadingAccepted(reading_id=new_id(), account_id=ACCOUNT, values=reading.values)
    consume(uow, "readings.reading.accepted", automatic)
    assert len(uow.inbox.messages) == 1


def test_corrections_and_rejections_say_why(uow):
    ivan = customer(uow)
    values = [rd.ZoneValue(zone="day", value="2100.000"), rd.ZoneValue(zone="night", value="900.500")]
    consume(uow, "readings.reading.corrected", rd.ReadingCorrected(
        reading=rd.ReadingAccepted(account_id=ACCOUNT, values=values), reason="Фото счётчика", customer_id=ivan))
    consume(uow, "readings.reading.rejected", rd.ReadingRejected(
        reading=rd.ReadingAccepted(account_id=ACCOUNT, values=values, period="2026-11"),
        reason="На фото счётчика 210", customer_id=ivan))
    bodies = {m.title: m.body for m in uow.inbox.messages.values()}
    assert "причина: Фото счётчика" in bodies["Показания исправлены"]
    assert bodies["Показания отклонены"].startswith("Поставщик отклонил показания счётчика за ноябрь 2026 г. — День")
    with pytest.raises(InvalidInput):
        consume(uow, "readings.reading.rejected", rd.ReadingRejected(
            reading=rd.ReadingAccepted(account_id=ACCOUNT, period="ноябрь"), customer_id=ivan))


def test_a_charge_nobody_caused_tells_nobody(uow):
    ivan = customer(uow)
    consume(uow, "payments.charge.posted", pay.ChargePosted(account_id=ACCOUNT, kind="preliminary", amount_kop=35603,
                                                            balance_kop=-180678, balance_state="debt"))
    assert uow.inbox.messages == {}
    consume(uow, "payments.charge.posted", pay.ChargePosted(account_id=ACCOUNT, kind="preliminary", amount_kop=35603,
                                                            user_id=ivan, balance_kop=-180678, balance_state="debt"))
    [m] = uow.inbox.messages.values()
    assert m.title == "Предварительное начисление: 356,03\u00a0₽" and uow.outgoing.queued == {}  # inbox only


def test_an_invoice_reaches_its_customers_and_is_emailed_with_its_pdf_only_for_email_bills(uow):
    ivan, maria = customer(uow), customer(uow, phone="+79000000002")
    invoice_id = new_id()
    issued = pay.InvoiceIssued(invoice_id=invoice_id, account_id=ACCOUNT, period="2026-11", number=7,
                               amount_due_kop=107692, due_on="2026-12-10", account_number="12-10000001",
                               bill_delivery="paper_email", user_ids=[ivan, maria])
    consume(uow, "payments.invoice.issued", issued, times=2)
    assert len(uow.inbox.messages) == 2
    mail, sms = sorted(uow.outgoing.queued.values(), key=lambda q: q.message.channel)
    assert (sms.message.destination, sms.user_id) == ("+79000000002", maria)  # no e-mail: the bill still reaches her
    assert mail.message.subject == "Квитанция за ноябрь 2026 г. по лицевому счёту 12-10000001"
    assert mail.message.link == f"https://lk.example.ru/api/v1/invoices/{invoice_id}.pdf"
    assert mail.message.unsubscribe_url == ""  # the bill itself: changed by the bill delivery, not unsubscribed
    paper = CatalogueUoW()
    paper.reachable(ivan, email="ivan@example.ru")
    issued.bill_delivery = "paper"
    consume(paper, "payments.invoice.issued", issued)
    assert paper.outgoing.queued == {} and len(paper.inbox.messages) == 2
    with pytest.raises(InvalidInput):
        consume(uow, "payments.invoice.issued", pay.InvoiceIssued(invoice_id=invoice_id, account_id=ACCOUNT,
                                                                  period="2026-11", user_ids=["not-a-uuid"]))


def test_payments_autopay_and_their_failures(uow):
    ivan = customer(uow)
    item = pay.CardPaymentItem(account_id=ACCOUNT, bucket="energy", amount_kop=150000, account_number="12-10000001")
    consume(uow, "payments.payment.succeeded", pay.PaymentSucceeded(user_id=ivan, channel="cabinet",
                                                                    amount_kop=150000, items=[item]))
    consume(uow, "payments.payment.succeeded", pay.PaymentSucceeded(user_id=ivan, channel="autopay",
                                                                    amount_kop=150000, items=[item]))
    consume(uow, "payments.payment.failed", pay.PaymentFailed(user_id=ivan, channel="autopay", amount_kop=1,
                                                              items=[item]))  # its attempts: told once, after all
    consume(uow, "payments.payment.succeeded", pay.PaymentSucceeded(channel="public", amount_kop=1, items=[item]))
    consume(uow, "payments.payment.failed", pay.PaymentFailed(user_id=ivan, channel="cabinet", amount_kop=1,
                                                              items=[item], message="Недостаточно средств"))
    consume(uow, "payments.autopay.failed", pay.AutopayFailed(user_id=ivan, account_id=ACCOUNT, period="2027-01",
                                                              amount_kop=60000, account_number="76-00000001",
                                                              reason_message="недостаточно средств на карте."))
    titles = sorted(m.title for m in uow.inbox.messages.values())
    assert titles == ["Автоплатёж не прошёл", "Автоплатёж прошёл: 1\u202f500,00\u00a0₽",
                      "Оплата не прошла: 0,01\u00a0₽", "Оплата прошла: 1\u202f500,00\u00a0₽"]
    assert {q.message.purpose for q in uow.outgoing.queued.values()} == {
        "payment_succeeded", "autopay_succeeded", "payment_failed", "autopay_failed"}


def test_debt_and_penalties_reach_every_customer_of_the_account(uow):
    ivan, maria = customer(uow), customer(uow, phone="+79000000002")
    uow.projection.bound(ACCOUNT, ivan, maria)
    uow.preferences.put(ivan, [("debt", "email", False), ("debt", "sms", False)], AT)  # a legal notice all the same
    consume(uow, "payments.debt.overdue", pay.DebtOverdue(account_id=ACCOUNT, account_number="12-10000001",
                                                          due_on="2026-12-10", overdue_kop=153778,
                                                          amount_due_kop=160000))
    consume(uow, "payments.penalties.accrued", pay.PenaltiesAccrued(account_id=ACCOUNT, period="2026-12",
                                                                    amount_kop=1234, penalties_due_kop=5678))
    assert sorted((q.message.destination, q.message.purpose) for q in uow.outgoing.queued.values()) == [
        ("+79000000002", "debt_overdue"),  # no e-mail: the SMS fallback (penalties go by e-mail only)
        ("ivan@example.ru", "debt_overdue"), ("ivan@example.ru", "penalties_accrued")]
    with pytest.raises(InvalidInput):
        consume(uow, "payments.debt.overdue", pay.DebtOverdue(account_id=ACCOUNT, overdue_kop=1))


def test_requests_contracts_and_sign_ins(uow):
    ivan = customer(uow)
    consume(uow, "accounts.service_request.changed", acc.ServiceRequestChanged(
        request_id=new_id(), account_id=ACCOUNT, account_number="12-10000001", user_id=ivan, type="electrical",
        status="in_progress", comment="Мастер придёт в четверг"))
    consume(uow, "accounts.contract.bound", acc.ContractBound(contract_id=new_id(), user_id=ivan,
                                                              contract_number="78078078078000"))
    consume(uow, "auth.user.signed_in", auth.UserSignedIn(user_id=ivan, device="Firefox", ip="203.0.113.7",
                                                          new_device=True, at="2026-12-04T05:15:00+00:00"))
    consume(uow, "auth.user.signed_in", auth.UserSignedIn(user_id=ivan, device="Firefox", new_device=False))
    titles = sorted(m.title for m in uow.inbox.messages.values())
    assert titles == ["Вход с нового устройства", "Договор № 78078078078000 подключён", "Заявка: в работе"]
    with pytest.raises(InvalidInput):
        consume(uow, "accounts.service_request.changed", acc.ServiceRequestChanged(user_id=ivan, status="eaten"))


def test_the_projections_follow_accounts_facts(uow):
    calls = []
    uow.projection.bind = lambda *a, **kw: calls.append(("bind", a, kw))
    uow.projection.put_account = lambda *a, **kw: calls.append(("account", a, kw))
    uow.projection.put_supplier = lambda *a, **kw: calls.append(("supplier", a, kw))
    user, supplier = new_id(), new_id()
    consume(uow, "accounts.account.bound", acc.AccountBound(account_id=ACCOUNT, user_id=user))
    consume(uow, "accounts.account.unbound", acc.AccountUnbound(account_id=ACCOUNT, user_id=user))
    consume(uow, "accounts.account.changed", acc.AccountChanged(account=acc.Account(
        account_id=ACCOUNT, supplier_id=supplier, number="12-10000001", category="legal_small")))
    consume(uow, "accounts.supplier.changed", acc.SupplierChanged(supplier=acc.Supplier(supplier_id=supplier)))
    assert calls == [
        ("bind", (ACCOUNT, user), {"bound": True, "as_of": AT}), ("bind", (ACCOUNT, user), {"bound": False, "as_of": AT}),
        ("account", (ACCOUNT,), dict(supplier_id=supplier, number="12-10000001", category="legal_small", as_of=AT)),
        ("supplier", (supplier,), dict(name="", time_zone="Europe/Moscow", as_of=AT))]
    with pytest.raises(InvalidInput):
        consume(uow, "accounts.account.bound", acc.AccountBound(account_id="x", user_id=user))
    assert AT.tzinfo is dt.UTC
