"""Accounts domain: account numbers, the proof that binds an account to a cabinet."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kit.errors import InvalidInput

THIRD_PARTY_GRACE = dt.timedelta(days=14)
CABINET = "cabinet"
DEFAULT_GROUP = "Моя группа"


def number_key(number: str) -> str:
    """Лицевой счёт as typed -> comparable key: digit groups without leading zeros.

    "018\\00028517" and "18\\28517" and "18-28517" are the same account.
    """
    groups = re.findall(r"\d+", number or "")
    if not groups or len("".join(groups)) > 30:
        raise InvalidInput("Укажите номер лицевого счёта.", code="invalid_account_number",
                           fields={"number": "Номер лицевого счёта состоит из цифр, например 12-12345678."})
    return "-".join(str(int(g)) for g in groups)


@dataclass(frozen=True)
class Payment:
    """A payment the billing system knows of (the proof a customer gives when binding)."""

    date: dt.date
    amount_kop: int
    channel: str  # "cabinet" | "third_party" | "bank" | ...


def expected_payment(payments: list[Payment], today: dt.date) -> Payment | None:
    """The payment the customer must name: the last one, or the one before it when the last
    was made through a third party less than 14 days ago (it may not have reached them yet)."""
    ordered = sorted(payments, key=lambda p: p.date, reverse=True)
    if not ordered:
        return None
    last = ordered[0]
    if last.channel != CABINET and today - last.date < THIRD_PARTY_GRACE and len(ordered) > 1:
        return ordered[1]
    return last


def proof_matches(*, payments: list[Payment], meter_numbers: list[str], today: dt.date,
                  paid_on: dt.date | None = None, amount_kop: int | None = None,
                  meter_number: str | None = None) -> bool:
    if meter_number is not None:
        typed = _meter_key(meter_number)
        return bool(typed) and any(_meter_key(n) == typed for n in meter_numbers)
    expected = expected_payment(payments, today)
    return expected is not None and expected.date == paid_on and expected.amount_kop == amount_kop


def _meter_key(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "").lstrip("0").upper()


@dataclass(frozen=True)
class MeterCard:
    meter_id: str
    number: str
    model: str
    zones: int
    digits: int
    ratio: str


@dataclass(frozen=True)
class AccountCard:
    """A лицевой счёт as its customer sees it in the cabinet."""

    account_id: str
    number: str
    supplier_id: str
    supplier_name: str
    address: str
    holder: str
    category: str
    automatic_metering: bool
    meters: tuple[MeterCard, ...]
    alias: str = ""
    group_id: str = ""
    group_name: str = ""
