"""The cabinet's accounts: list, details, and what the customer owns of a binding (alias, group,
bill delivery). Also how every change of an account's facts is announced."""

from __future__ import annotations

from kit.ids import is_uuid
from services.accounts.domain import model
from services.accounts.domain.events import AccountChanged
from services.accounts.service_layer.ownership import ACCOUNT_NOT_FOUND, own_account, own_group


def my_accounts(uow, user_id: str) -> list[model.AccountCard]:
    with uow:
        return uow.accounts.cards(user_id)


def account_for(uow, user_id: str, account_id: str) -> model.AccountCard:
    """The account if it is bound to this user; NotFound otherwise (existence is not revealed)."""
    with uow:
        return own_account(uow, user_id, account_id)


def update_account(uow, *, user_id: str, account_id: str, alias: str | None = None,
                   group_id: str | None = None, bill_delivery: str | None = None) -> model.AccountCard:
    """Alias, group and bill-delivery preference of one of the user's accounts (only those given)."""
    changes = model.account_changes(alias=alias, group_id=group_id, bill_delivery=bill_delivery)
    delivery = changes.pop("bill_delivery", None)
    with uow:
        card = own_account(uow, user_id, account_id)
        if group_id is not None:
            changes["group_id"] = own_group(uow, user_id, group_id).group_id
        if changes:
            uow.accounts.update_binding(user_id, account_id, **changes)
        if delivery is not None and delivery != card.bill_delivery:
            uow.accounts.choose_bill_delivery(account_id, delivery)
            publish_facts(uow, [account_id])
        card = uow.accounts.card(user_id, account_id)
        uow.commit()
    return card


def publish_facts(uow, account_ids: list[str]) -> None:
    """accounts.account.changed with each account's current facts (for other services' projections)."""
    for card in uow.accounts.facts_many(account_ids):
        uow.emit(AccountChanged(card))


def find_account(uow, *, number: str, supplier_id: str = "") -> model.AccountCard:
    """The account with this number (accounts' number_key) at this supplier, for callers that know only the
    number: the public pay and readings flows and partners. supplier_id may be empty when the number is
    unambiguous. Reveals existence only (the caller shows what a pay terminal shows)."""
    key = model.number_key(number)
    if supplier_id and not is_uuid(supplier_id):
        raise ACCOUNT_NOT_FOUND
    with uow:
        found = uow.accounts.find_by_number(key, supplier_id or None)
        if len(found) != 1:
            raise ACCOUNT_NOT_FOUND
        return uow.accounts.facts(found[0].account_id)
