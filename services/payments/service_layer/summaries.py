"""The dashboard's money of several of the customer's accounts at once: per account its balance (exactly what
`service_layer/ledger.py:get_balance` gives) and its newest charge (what `service_layer/views.py:list_charges`
gives first). The projection tells the caller's accounts in one query; accounts decides its misses, as for one
account; an account the caller may not touch is left out, not refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kit.errors import DomainError, InvalidInput
from kit.ids import is_uuid
from services.payments.domain.ledger import AccountBalance
from services.payments.domain.model import Charge
from services.payments.service_layer.accounts import AccountsPort, ensure_allowed
from services.payments.service_layer.ledger import Calendar, account_calendar, supplier_calendar

MAX_ACCOUNTS = 100  # account ids per call (a dashboard has a handful)


@dataclass(frozen=True)
class AccountSummary:
    account_id: str
    balance: AccountBalance
    last_charge: Charge | None


def account_summaries(uow, accounts: AccountsPort, *, user_id: str, account_ids: list[str],
                      now: dt.datetime) -> list[AccountSummary]:
    """The summary of each account the user may see, in the order asked; the others are left out."""
    if len(account_ids) > MAX_ACCOUNTS:
        raise InvalidInput(f"Не больше {MAX_ACCOUNTS} лицевых счетов за раз.", code="too_many_accounts",
                           fields={"account_ids": f"Не больше {MAX_ACCOUNTS}."})
    wanted = [a for a in dict.fromkeys(account_ids) if is_uuid(a)]
    with uow:
        calendars = {a: supplier_calendar(s) for a, s in uow.summaries.bound(user_id, wanted).items()}
        for account_id in wanted:
            if account_id not in calendars and _accounts_allow(uow, accounts, user_id, account_id):
                calendars[account_id] = account_calendar(uow, account_id)
        balances: dict[str, AccountBalance] = {}
        for calendar, ids in _by_calendar(calendars).items():  # one query per supplier calendar
            balances |= uow.summaries.balances(ids, today=calendar.today(now), tz=calendar.tz,
                                               due_day=calendar.due_day)
        charges = uow.summaries.last_charges(list(calendars))
    return [AccountSummary(a, balances[a], charges.get(a)) for a in wanted if a in calendars]


def _accounts_allow(uow, accounts: AccountsPort, user_id: str, account_id: str) -> bool:
    """A projection's miss: accounts decides, as for one account (NOT_FOUND or PERMISSION_DENIED: not the user's)."""
    try:
        ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
        return True
    except DomainError as exc:
        if exc.status not in ("NOT_FOUND", "PERMISSION_DENIED"):
            raise
        return False


def _by_calendar(calendars: dict[str, Calendar]) -> dict[Calendar, list[str]]:
    grouped: dict[Calendar, list[str]] = {}
    for account_id, calendar in calendars.items():
        grouped.setdefault(calendar, []).append(account_id)
    return grouped
