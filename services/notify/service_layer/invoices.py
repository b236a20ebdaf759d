"""New invoices (квитанции): the inbox message to the account's customers and the e-mail to those whose
account has bills delivered by e-mail; the projection of verified contacts that says where e-mails go.

Event handlers: they run inside the transaction the kit's consumer opened.
"""

from __future__ import annotations

import datetime as dt

from services.notify.domain import texts
from services.notify.domain.model import EMAIL, InboxMessage, message_id_for
from services.notify.service_layer import delivery


def notify_invoice_issued(uow, senders, *, event_id: str, user_ids: list[str], account_id: str,
                          account_number: str, bill_delivery: str, period: dt.date, number: int,
                          amount_due_kop: int, due_on: dt.date | None, link: str, occurred_at: dt.datetime,
                          retries: delivery.Retries | None = None) -> list[InboxMessage]:
    """A new invoice (квитанция): «Квитанция за …» in the inbox of every customer the account is bound to, and,
    when the account's bill delivery includes e-mail, an e-mail with the link to its PDF to each of them
    whose e-mail is verified (one per address)."""
    messages = []
    for user_id in user_ids:
        message = texts.invoice_issued_notice(
            message_id=message_id_for(event_id, f"inbox:{user_id}"), user_id=user_id, account_id=account_id,
            account_number=account_number, period=period, number=number, amount_due_kop=amount_due_kop,
            due_on=due_on, created_at=occurred_at)
        uow.inbox.add(message)
        messages.append(message)
    if bill_delivery in texts.EMAILED and user_ids:
        addresses = uow.contacts.destinations(list(user_ids), EMAIL)
        unique: dict[str, str] = {}  # an address once, as the first customer who has it wrote it
        for user_id in user_ids:
            if user_id in addresses:
                unique.setdefault(addresses[user_id].strip().lower(), addresses[user_id])
        delivery.deliver_each(uow, senders, [texts.invoice_email(
            message_id=message_id_for(event_id, f"email:{key}"), email=address, account_number=account_number,
            period=period, number=number, amount_due_kop=amount_due_kop, due_on=due_on, link=link)
            for key, address in unique.items()], retries)
    return messages


def project_contact(uow, *, user_id: str, channel: str, destination: str, as_of: dt.datetime) -> None:
    """auth.contact.verified: where the user's e-mails (and SMS) go from now on; the newest fact wins."""
    uow.contacts.put(user_id, channel, destination, as_of)
