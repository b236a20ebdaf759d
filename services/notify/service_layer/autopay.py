"""The autopay's confirmation link by e-mail, delivered at once like a code (the immediate path). Event handler:
it runs inside the transaction the kit's consumer opened; the address is in the event (payments had it from auth's
profile). A failed autopay is a notice of the catalogue (entrypoints/events.py: autopay_failed)."""

from __future__ import annotations

from services.notify.domain import texts
from services.notify.domain.model import message_id_for
from services.notify.service_layer import delivery


def send_autopay_confirmation(uow, senders, *, event_id: str, email: str, account_number: str, card_title: str,
                              day: int, mode: str, amount_kop: int, cap_kop: int, link: str,
                              retries: delivery.Retries | None = None) -> delivery.Delivery:
    message = texts.autopay_confirmation(
        message_id=message_id_for(event_id, "email"), email=email, account_number=account_number,
        card_title=card_title, day=day, mode=mode, amount_kop=amount_kop, cap_kop=cap_kop, link=link)
    return delivery.deliver(uow, senders, message, retries)
