"""Сохранённые карты: a card is remembered when the customer ticked «Сохранить карту» and the provider's
payment succeeded; the customer lists and deletes them. Deleting a card switches its autopays off."""

from __future__ import annotations

import datetime as dt

from services.payments.domain import autopay as rules
from services.payments.service_layer.autopay import switch_off

CARD_DELETED = "card_deleted"


def remember_card(uow, *, user_id: str, method_id: str, title: str, last4: str, first6: str, expiry_month: str,
                  expiry_year: str, card_type: str) -> None:
    """In the caller's transaction (the one marking the payment succeeded): once per (user, method)."""
    uow.autopay.remember_card(user_id=user_id, method_id=method_id, title=title, last4=last4, first6=first6,
                              expiry_month=expiry_month, expiry_year=expiry_year, card_type=card_type)


def list_cards(uow, *, user_id: str) -> list[rules.Card]:
    with uow:
        return uow.autopay.cards(user_id)


def delete_card(uow, *, user_id: str, card_id: str, now: dt.datetime) -> list[str]:
    """The card is gone from the list; every autopay paying with it is switched off (reason card_deleted).
    The accounts whose autopay was switched off."""
    with uow:
        rules.require_own_card(uow.autopay.card(card_id), user_id)
        uow.autopay.delete_card(card_id, now=now)
        autopays = uow.autopay.autopays_of_card(card_id)
        for autopay in autopays:
            switch_off(uow, autopay, reason=CARD_DELETED, now=now)
        uow.commit()
    return [a.account_id for a in autopays]
