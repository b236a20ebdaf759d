"""Legal contracts (договоры энергоснабжения): number format, the e-mails listed in them,
and the single-use link that confirms a binding."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from kit.errors import InvalidInput
from services.accounts.domain.validation import FieldErrors

NUMBER_DIGITS = 14
LINK_TTL = dt.timedelta(hours=24)
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


def binding_request(number: str, email: str) -> tuple[str, str]:
    """(contract number, e-mail) of a request to bind a contract; both mistakes reported at once."""
    errors = FieldErrors()
    number = errors.check(contract_number, number)
    email = errors.check(normalize_email, email)
    errors.raise_any()
    return number, email


def contract_number(typed: str) -> str:
    """The 14-digit contract number; spaces and dashes a person may type are ignored."""
    number = re.sub(r"[\s-]", "", typed or "")
    if not re.fullmatch(rf"\d{{{NUMBER_DIGITS}}}", number):
        raise InvalidInput(code="invalid_contract_number",
                           fields={"number": f"Номер договора — {NUMBER_DIGITS} цифр."})
    return number


def normalize_email(typed: str) -> str:
    email = (typed or "").strip().lower()
    if not _EMAIL.fullmatch(email) or len(email) > 254:
        raise InvalidInput(code="invalid_email", fields={"email": "Неверный адрес электронной почты."})
    return email


def listed(email: str, emails: list[str]) -> bool:
    """Is the e-mail one of those listed in the contract (case-insensitive)?"""
    return email.lower() in {e.lower() for e in emails}


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").strip().encode()).hexdigest()


@dataclass(frozen=True)
class ContractCard:
    """A contract as its cabinet sees it."""

    contract_id: str
    number: str
    supplier_id: str
    supplier_name: str
    holder: str
    inn: str
    address: str
    emails: tuple[str, ...]
    bound_at: dt.datetime | None = None


def export_rows(card: ContractCard) -> list[tuple[str, str]]:
    """What the .xlsx export shows ("Экспорт в Excel"), label -> value."""
    return [
        ("Номер договора", card.number),
        ("Поставщик", card.supplier_name),
        ("Потребитель", card.holder),
        ("ИНН", card.inn),
        ("Адрес", card.address),
        ("Адреса электронной почты", ", ".join(card.emails)),
        ("Добавлен в личный кабинет", card.bound_at.strftime("%d.%m.%Y %H:%M UTC") if card.bound_at else ""),
    ]
