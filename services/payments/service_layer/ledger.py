"""What a customer reads of an account's money: the balance by bucket (due date, overdue, penalties) and the
ledger list. Access as for every customer view (`service_layer/accounts.py:ensure_allowed`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kit.errors import InvalidInput
from services.payments.domain import ledger as rules
from services.payments.domain import model
from services.payments.service_layer.accounts import AccountsPort, ensure_allowed


@dataclass(frozen=True)
class Calendar:
    """The supplier's calendar for an account: its time zone (IANA name, for SQL) and payment due day."""

    tz: str
    due_day: int | None
    zone: dt.tzinfo

    def today(self, now: dt.datetime) -> dt.date:
        return now.astimezone(self.zone).date()


def zone_name(zone: dt.tzinfo) -> str:
    return getattr(zone, "key", None) or "Europe/Moscow"


def supplier_calendar(supplier: model.Supplier | None) -> Calendar:
    zone = model.supplier_zone(supplier)
    return Calendar(tz=zone_name(zone), due_day=supplier.payment_due_day if supplier else None, zone=zone)


def account_calendar(uow, account_id: str) -> Calendar:
    """The calendar of the account's supplier as the projections know it (Moscow and the 10th otherwise)."""
    facts = uow.account_facts.get(account_id)
    return supplier_calendar(uow.suppliers.get(facts.supplier_id) if facts else None)


def get_balance(uow, accounts: AccountsPort, *, user_id: str, account_id: str,
                now: dt.datetime) -> rules.AccountBalance:
    """The balance of one of the user's accounts by bucket, what is due and what is overdue today."""
    with uow:
        ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
        calendar = account_calendar(uow, account_id)
        return uow.ledger_store.balance(account_id, today=calendar.today(now), tz=calendar.tz,
                                        due_day=calendar.due_day)


PERIOD = re.compile(r"(\d{4})-(\d{2})")


def parse_period(text: str) -> dt.date | None:
    """A billing period as the API carries it, "YYYY-MM" -> its first day; "" is every period."""
    if not text:
        return None
    found = PERIOD.fullmatch(text)
    if not found or not 1 <= int(found[2]) <= 12:
        raise InvalidInput(fields={"period": "Укажите период в формате ГГГГ-ММ."})
    return dt.date(int(found[1]), int(found[2]), 1)


def charged_by_period(uow, accounts: AccountsPort, *, user_id: str, account_id: str,
                      since: str = "") -> dict[dt.date, int]:
    """What each billing period charged one of the user's accounts (the invoice's «начислено»), from `since`."""
    first = parse_period(since)
    with uow:
        ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
        return uow.ledger_store.charged_by_period(account_id, since=first)


def list_ledger(uow, accounts: AccountsPort, *, user_id: str, account_id: str, period: str = "",
                page_size: int = 0, page_token: str = ""):
    """Entries of one of the user's accounts, newest first, a page at a time, of one period when given."""
    month = parse_period(period)
    with uow:
        ensure_allowed(uow, accounts, user_id=user_id, account_id=account_id)
        calendar = account_calendar(uow, account_id)
        return uow.ledger_store.page(account_id, period=month, size=rules.page_size(page_size), token=page_token,
                                     tz=calendar.tz, due_day=calendar.due_day)
