"""Accounts domain: account numbers, the proof that binds an account to a cabinet."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kit.errors import Conflict, InvalidInput, Rejected

THIRD_PARTY_GRACE = dt.timedelta(days=14)
CABINET = "cabinet"
DEFAULT_GROUP = "Моя группа"
BILL_DELIVERY = ("email", "paper_email", "paper")
ALIAS_MAX = 100


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
                  meter_number: str | None = None, activation_code: str | None = None,
                  code_hashes: tuple[str, ...] = ()) -> bool:
    """Does the proof a customer gave match the account? `code_hashes`: its usable activation codes."""
    if activation_code is not None:
        return activation_code_hash(activation_code) in code_hashes
    if meter_number is not None:
        typed = _meter_key(meter_number)
        return bool(typed) and any(_meter_key(n) == typed for n in meter_numbers)
    expected = expected_payment(payments, today)
    return expected is not None and expected.date == paid_on and expected.amount_kop == amount_kop


def _meter_key(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "").lstrip("0").upper()


# --- activation codes (код активации, issued by staff at a service office) ---

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed from paper
CODE_LENGTH = 10  # 32**10 = 2**50: with the attempt limits, guessing is hopeless
CODE_TTL = dt.timedelta(days=30)


def new_activation_code() -> str:
    """A fresh code as shown to the customer, e.g. "K7M2Q-9XP4H"."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def activation_code_hash(code: str) -> str:
    """What is stored: SHA-256 of the normalized code (case, spaces and dashes ignored)."""
    normalized = re.sub(r"[\s-]", "", code or "").upper()
    return hashlib.sha256(normalized.encode()).hexdigest()


# --- what the customer owns of a binding: alias, group, bill delivery ---

def clean_alias(alias: str) -> str:
    alias = (alias or "").strip()
    if len(alias) > ALIAS_MAX:
        raise InvalidInput(code="alias_too_long", fields={"alias": f"Не больше {ALIAS_MAX} символов."})
    return alias


def check_bill_delivery(value: str) -> str:
    if value not in BILL_DELIVERY:
        raise InvalidInput(code="invalid_bill_delivery", fields={
            "bill_delivery": "Выберите способ доставки квитанции: email, paper_email или paper."})
    return value


# --- groups («Абоненты и группы») ---

GROUP_NAME_MAX = 60
MAX_GROUPS = 50


@dataclass(frozen=True)
class Group:
    group_id: str
    name: str
    is_default: bool
    account_count: int = 0


def group_name(name: str, existing: list[Group], *, renaming: str | None = None) -> str:
    """A valid, unique (case-insensitive, within the cabinet) group name."""
    name = re.sub(r"\s+", " ", name or "").strip()
    if not name or len(name) > GROUP_NAME_MAX:
        raise InvalidInput(code="invalid_group_name",
                           fields={"name": f"Название группы: от 1 до {GROUP_NAME_MAX} символов."})
    if any(g.name.casefold() == name.casefold() and g.group_id != renaming for g in existing):
        raise Conflict("Группа с таким названием уже есть.", code="group_name_taken",
                       fields={"name": "Группа с таким названием уже есть."})
    if renaming is None and len(existing) >= MAX_GROUPS:
        raise Rejected(f"Можно создать не больше {MAX_GROUPS} групп.", code="too_many_groups")
    return name


def check_deletable(group: Group) -> None:
    """The default group stays: deleted groups' accounts move into it."""
    if group.is_default:
        raise Rejected("Группу по умолчанию удалить нельзя, её можно переименовать.", code="default_group")


@dataclass(frozen=True)
class MeterCard:
    meter_id: str
    number: str
    model: str
    zones: int
    digits: int
    ratio: str
    verification_due: dt.date | None = None


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
    premise: dict | None = None  # area_m2 (decimal string), residents, stove
    bill_delivery: str = "paper"


# --- staff corrections of meter data ---

def meter_correction(*, number: str | None = None, model: str | None = None, zones: int | None = None,
                     digits: int | None = None, ratio: str | None = None,
                     verification_due: str | None = None) -> dict:
    """The validated columns a staff correction changes (only those given)."""
    out: dict = {}
    errors: dict[str, str] = {}
    if number is not None:
        out["number"] = number.strip()
        if not out["number"] or len(out["number"]) > 40:
            errors["number"] = "Номер счётчика: от 1 до 40 символов."
    if model is not None:
        out["model"] = model.strip()
        if not out["model"] or len(out["model"]) > 200:
            errors["model"] = "Модель: от 1 до 200 символов."
    if zones is not None:
        out["zones"] = zones
        if zones not in (1, 2, 3):
            errors["zones"] = "Число тарифных зон: 1, 2 или 3."
    if digits is not None:
        out["digits"] = digits
        if not 4 <= digits <= 9:
            errors["digits"] = "Разрядность: от 4 до 9."
    if ratio is not None:
        try:
            value = Decimal(ratio.replace(",", "."))
            ok = value.is_finite() and value > 0 and value == value.quantize(Decimal("0.0001")) and value < 10**8
        except InvalidOperation:
            ok = False
        if ok:
            out["ratio"] = value
        else:
            errors["ratio"] = "КТ: положительное число, не больше 4 знаков после запятой."
    if verification_due is not None:
        try:
            out["verification_due"] = dt.date.fromisoformat(verification_due) if verification_due else None
        except ValueError:
            errors["verification_due"] = "Дата поверки в формате ГГГГ-ММ-ДД."
    if errors:
        raise InvalidInput(code="invalid_meter_data", fields=errors)
    if not out:
        raise InvalidInput("Укажите, что исправить.", code="nothing_to_correct")
    return out
