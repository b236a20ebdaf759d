"""A new invoice (payments.invoice.issued): the inbox message to each customer of the account, and the e-mail
with the link to its PDF when the account's bill delivery includes e-mail — once, to verified addresses."""

import datetime as dt
import uuid

import pytest

from kit.errors import Rejected
from services.notify.domain import texts
from services.notify.domain.model import DeliveryFailed, message_id_for
from services.notify.service_layer.delivery import Retries, RetryDelivery
from services.notify.service_layer.invoices import notify_invoice_issued, project_contact
from services.notify.tests.unit.test_handlers import FakeUnitOfWork, RecordingSender

EVENT = str(uuid.uuid4())
IVAN, MARIA, NOBODY = (str(uuid.uuid4()) for _ in range(3))
ACCOUNT = str(uuid.uuid4())
AT = dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC)
LINK = "https://lk.example.ru/api/v1/invoices/0b9c6f0e-1d7e-4a5e-9a57-3f2f1c1a2b3c.pdf"


class FakeContacts:
    def __init__(self, **emails):
        self.rows = {(user, "email"): (address, AT) for user, address in emails.items()}

    def put(self, user_id, channel, destination, as_of):
        known = self.rows.get((user_id, channel))
        if known is None or known[1] < as_of:
            self.rows[(user_id, channel)] = (destination, as_of)

    def destinations(self, user_ids, channel):
        return {u: self.rows[(u, channel)][0] for u in user_ids if (u, channel) in self.rows}


def uow_with(**emails):
    uow = FakeUnitOfWork()
    uow.contacts = FakeContacts(**emails)
    return uow


def issued(uow, email, *, users=(IVAN, MARIA), bill_delivery="email", retries=None, **changes):
    args = dict(event_id=EVENT, user_ids=list(users), account_id=ACCOUNT, account_number="12-10000001",
                bill_delivery=bill_delivery, period=dt.date(2026, 11, 1), number=7, amount_due_kop=107692,
                due_on=dt.date(2026, 12, 10), link=LINK, occurred_at=AT, retries=retries)
    return notify_invoice_issued(uow, {"email": email, "sms": RecordingSender()}, **{**args, **changes})


def test_every_customer_of_the_account_finds_it_in_the_inbox():
    uow = uow_with()
    messages = issued(uow, RecordingSender(), bill_delivery="paper")
    assert [m.user_id for m in messages] == [IVAN, MARIA]
    message = uow.inbox.messages[message_id_for(EVENT, f"inbox:{IVAN}")]
    assert (message.category, message.title, message.account_id) == ("invoices", "Квитанция за ноябрь 2026 г.",
                                                                      ACCOUNT)
    assert message.body == ("Сформирована квитанция № 7 за ноябрь 2026 г. по лицевому счёту 12-10000001. "
                            "К оплате: 1\u202f076,92\u00a0₽ до 10.12.2026. Квитанцию с QR-кодом для оплаты можно "
                            "открыть в разделе «Квитанции».")


@pytest.mark.parametrize("bill_delivery", ["email", "paper_email"])
def test_by_email_to_each_verified_address_with_the_link(bill_delivery):
    uow, email = uow_with(**{IVAN: "ivanov@example.ru"}), RecordingSender()
    issued(uow, email, bill_delivery=bill_delivery)
    (mail,) = email.sent  # Maria has no verified e-mail: the inbox only
    assert (mail.destination, mail.subject, mail.purpose, mail.link) == (
        "ivanov@example.ru", "Квитанция за ноябрь 2026 г. по лицевому счёту 12-10000001", "invoice", LINK)
    assert f"Квитанция в PDF с QR-кодом для оплаты: {LINK}" in mail.body
    assert "К оплате: 1\u202f076,92\u00a0₽ до 10.12.2026." in mail.body
    assert mail.message_id == message_id_for(EVENT, "email:ivanov@example.ru")
    assert uow.deliveries.get(mail.message_id).status == "sent"


@pytest.mark.parametrize("bill_delivery", ["paper", ""])
def test_no_email_when_bills_go_on_paper_or_nobody_said(bill_delivery):
    email = RecordingSender()
    issued(uow_with(**{IVAN: "ivanov@example.ru"}), email, bill_delivery=bill_delivery)
    assert email.sent == []


def test_one_email_per_address_and_none_twice_for_a_redelivered_fact():
    uow, email = uow_with(**{IVAN: "buh@zavod.ru", MARIA: "BUH@zavod.ru"}), RecordingSender()
    issued(uow, email)
    issued(uow, email)
    assert [m.destination for m in email.sent] == ["buh@zavod.ru"]
    assert len(uow.inbox.messages) == 2


def test_an_account_nobody_holds_makes_no_message():
    uow, email = uow_with(), RecordingSender()
    assert issued(uow, email, users=()) == []
    assert uow.inbox.messages == {} and email.sent == []


def test_when_one_address_must_be_retried_the_others_are_not_sent_again():
    class OneFails(RecordingSender):
        def send(self, message):
            if message.destination == "maria@example.ru" and self.failures:
                self.failures -= 1
                raise DeliveryFailed("451 try later")
            self.sent.append(message)

    uow = uow_with(**{IVAN: "ivanov@example.ru", MARIA: "maria@example.ru"})
    email = OneFails(failures=1)
    retries = Retries(attempts_uow=lambda: uow, max_attempts=5)
    with pytest.raises(RetryDelivery):
        issued(uow, email, retries=retries)
    assert uow.deliveries.get(message_id_for(EVENT, "email:ivanov@example.ru")).status == "sent"
    issued(uow, email, retries=retries)  # the fact again
    assert sorted(m.destination for m in email.sent) == ["ivanov@example.ru", "maria@example.ru"]


def test_the_newest_verified_contact_wins():
    uow = uow_with()
    project_contact(uow, user_id=IVAN, channel="email", destination="new@example.ru", as_of=AT)
    project_contact(uow, user_id=IVAN, channel="email", destination="old@example.ru",
                    as_of=AT - dt.timedelta(days=1))
    assert uow.contacts.destinations([IVAN], "email") == {IVAN: "new@example.ru"}


def test_nothing_due_and_no_link_texts():
    message = texts.invoice_issued_notice(message_id=EVENT, user_id=IVAN, account_id=ACCOUNT, account_number="",
                                          period=dt.date(2026, 1, 1), number=1, amount_due_kop=0, due_on=None,
                                          created_at=AT)
    assert "Сформирована квитанция № 1 за январь 2026 г. Оплачивать ничего не нужно." in message.body
    with pytest.raises(Rejected):
        texts.invoice_email(message_id=EVENT, email="a@b.ru", account_number="", period=dt.date(2026, 1, 1),
                            number=1, amount_due_kop=0, due_on=None, link="javascript:alert(1)")
