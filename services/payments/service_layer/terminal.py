"""The pay terminal's view of an account, for anyone who knows its number (paying without signing in, a
payment agent's *check*): accounts finds the number at the supplier, payments' projection of accounts'
facts gives the holder and the address, the ledger the amount due."""

from __future__ import annotations

import datetime as dt

from kit.errors import NotFound
from kit.ids import is_uuid
from services.payments.domain.terminal import TerminalView, address_part, masked_holder
from services.payments.service_layer.ledger import account_calendar

NOT_FOUND_MESSAGE = "Лицевой счёт с таким номером у этого поставщика не найден."


def find_account(uow, accounts, *, number: str, supplier_id: str) -> tuple[str, str]:
    """(account id, number as printed) of the number at the supplier; `account_not_found` otherwise."""
    if not number.strip() or len(number) > 64 or not is_uuid(supplier_id):
        raise NotFound(NOT_FOUND_MESSAGE, code="account_not_found")
    account_id = accounts.find(number.strip(), supplier_id)
    with uow:
        facts = uow.account_facts.get(account_id)
    return account_id, (facts.number if facts and facts.number else number.strip())


def terminal_view(uow, accounts, *, number: str, supplier_id: str, now: dt.datetime) -> TerminalView:
    """What a pay terminal shows: the holder masked («И*** П***»), the street without house or flat, and the
    amount due by bucket (the supplier's today)."""
    account_id, printed = find_account(uow, accounts, number=number, supplier_id=supplier_id)
    with uow:
        facts = uow.account_facts.get(account_id)
        calendar = account_calendar(uow, account_id)
        balance = uow.ledger_store.balance(account_id, today=calendar.today(now), tz=calendar.tz,
                                           due_day=calendar.due_day)
    return TerminalView(account_id=account_id, supplier_id=supplier_id, number=printed,
                        holder_masked=masked_holder(facts.holder if facts else ""),
                        address_part=address_part(facts.address if facts else ""),
                        amount_due_energy_kop=balance.amount_due_energy_kop,
                        amount_due_penalties_kop=balance.amount_due_penalties_kop)
