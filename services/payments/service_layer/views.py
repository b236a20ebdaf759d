"""What a customer reads: the balance of an account, its charges and its tariff."""

from __future__ import annotations

import datetime as dt

from services.payments.domain import model
from services.payments.domain.tariffs import AccountTariff
from services.payments.service_layer.accounts import AccountsPort, allowed_facts, ensure_allowed
from services.payments.service_layer.master_data import tariff_cards


def get_balance(uow, accounts: AccountsPort, *, user_id: str, account_id: str) -> model.Balance:
    with uow:
        ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
        return model.Balance(account_id=account_id, balance_kop=uow.ledger.balance_kop(account_id))


def list_charges(uow, accounts: AccountsPort, *, user_id: str, account_id: str, limit: int) -> list[model.Charge]:
    """Newest first."""
    with uow:
        ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
        return uow.charges.list_for_account(account_id, limit)


def account_tariff(uow, accounts: AccountsPort, *, user_id: str, account_id: str, now: dt.datetime) -> AccountTariff:
    """The tariff of the account's supplier and category in force today (the supplier's local date), with
    its zone hours, and the next scheduled version if there is one."""
    with uow:
        account = allowed_facts(uow, accounts, user_id=user_id, account_id=account_id)
        today = model.local_date(now, uow.suppliers.get(account.supplier_id))
        versions = uow.tariffs.for_category(account.supplier_id, account.category)
        current = model.choose_tariff(versions, supplier_id=account.supplier_id, category=account.category, on=today)
        following = model.next_version(versions, today)
        cards = tariff_cards(uow, versions, [current, *([following] if following else [])])
        return AccountTariff(account=account, on=today, current=cards[0], next=cards[1] if following else None)
