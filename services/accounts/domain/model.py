"""Accounts domain: account numbers, the proof that binds an account to a cabinet, the limit on
failed proofs, activation codes, and what a customer owns of a binding (alias, group, bill delivery)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from kabinet_vocabulary import BILL_DELIVERY, ZONE

from kit.errors import Conflict, InvalidInput, Rejected, TooManyAttempts
from services.accounts.domain.validation import FieldErrors, listing

THIRD_PARTY_GRACE = dt.timedelta(days=14)
CABINET = "cabinet"  # the payment channel of payments made in the cabinet (kabinet_vocabulary.PAYMENT_CHANNEL)
DEFAULT_GROUP = "Моя группа"
ALIAS_MAX = 100
AMOUNT_MAX_KOP = 10**12


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
        typed = meter_key(meter_number)
        return bool(typed) and any(meter_key(n) == typed for n in meter_numbers)
    expected = expected_payment(payments, today)
    return expected is not None and expected.date == paid_on and expected.amount_kop == amount_kop


def meter_key(number: str) -> str:
    """A meter number as typed -> comparable key: spaces, dashes and leading zeros ignored, upper case."""
    return re.sub(r"[\s-]", "", number or "").lstrip("0").upper()


# --- what a binding request must hold ---

PROOF_REQUIRED = ("Подтвердите счёт одним способом: датой и суммой последней оплаты, номером счётчика "
                  "или кодом активации.")


@dataclass(frozen=True)
class Proof:
    """Exactly one of: the last payment (date and amount), the meter number, an activation code."""

    paid_on: dt.date | None = None
    amount_kop: int | None = None
    meter_number: str | None = None
    activation_code: str | None = None


@dataclass(frozen=True)
class BindingRequest:
    number_key: str
    alias: str
    proof: Proof


def binding_request(*, number: str, alias: str = "", last_payment: tuple[str, int] | None = None,
                    meter_number: str | None = None, activation_code: str | None = None) -> BindingRequest:
    """A valid request to bind an account; every mistake in it is reported at once.
    `last_payment` is (date as YYYY-MM-DD, amount in kopecks)."""
    errors = FieldErrors()
    key = errors.check(number_key, number)
    alias = errors.check(clean_alias, alias)
    proof = errors.check(binding_proof, last_payment=last_payment, meter_number=meter_number,
                         activation_code=activation_code)
    errors.raise_any()
    return BindingRequest(key, alias, proof)


def binding_proof(*, last_payment: tuple[str, int] | None = None, meter_number: str | None = None,
                  activation_code: str | None = None) -> Proof:
    if sum(p is not None for p in (last_payment, meter_number, activation_code)) != 1:
        raise InvalidInput(PROOF_REQUIRED, code="proof_required", fields={"proof": PROOF_REQUIRED})
    if last_payment is None:
        return Proof(meter_number=meter_number, activation_code=activation_code)
    errors = FieldErrors()
    paid_on = errors.check(payment_date, last_payment[0])
    amount_kop = errors.check(payment_amount, last_payment[1])
    errors.raise_any()
    return Proof(paid_on=paid_on, amount_kop=amount_kop)


def payment_date(text: str) -> dt.date:
    """The date of the last payment as the customer names it: YYYY-MM-DD."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise InvalidInput(code="invalid_last_payment",
                       fields={"proof.last_payment.date": "Дата оплаты в формате ГГГГ-ММ-ДД."})


def payment_amount(amount_kop: int) -> int:
    """The amount of the last payment in kopecks: 1 kopeck to 10 billion rubles."""
    if isinstance(amount_kop, bool) or not isinstance(amount_kop, int) or not 1 <= amount_kop <= AMOUNT_MAX_KOP:
        raise InvalidInput(code="invalid_last_payment", fields={
            "proof.last_payment.amount_kop": "Сумма оплаты в копейках: от 1 до 1 000 000 000 000."})
    return amount_kop


# --- failed proofs (of accounts and contracts): a budget per cabinet, a captcha for a number under pressure ---
# Guessing is limited per cabinet, where refusing hurts only the guesser. Failures of others never refuse a
# number's rightful customer: once a number is under pressure, every attempt for it needs a solved captcha.

ATTEMPT_WINDOW = dt.timedelta(hours=1)
MAX_ATTEMPTS_PER_USER = 10          # failed proofs of one cabinet within ATTEMPT_WINDOW
DAY = dt.timedelta(days=1)
MAX_ATTEMPTS_PER_USER_DAY = 30      # ... and within DAY: a cabinet guesses at most 30 times a day
NUMBER_PRESSURE = 20                # failed proofs for one number, from any cabinets, within DAY
CAPTCHA_REQUIRED = "Введите символы с картинки."


def check_attempt_budget(*, failed_by_user_hour: int, failed_by_user_day: int, failed_for_number: int,
                         captcha_solved: bool) -> None:
    """Refuses a cabinet that failed too often lately (TooManyAttempts), and asks for a captcha when the number
    is under pressure (`captcha_required`). Both are decided before the proof is looked at."""
    if failed_by_user_hour >= MAX_ATTEMPTS_PER_USER:
        raise TooManyAttempts("Слишком много неудачных попыток. Попробуйте через час.",
                              retry_after=int(ATTEMPT_WINDOW.total_seconds()))
    if failed_by_user_day >= MAX_ATTEMPTS_PER_USER_DAY:
        raise TooManyAttempts("Слишком много неудачных попыток. Попробуйте завтра.",
                              retry_after=int(DAY.total_seconds()))
    if failed_for_number >= NUMBER_PRESSURE and not captcha_solved:
        raise InvalidInput(CAPTCHA_REQUIRED, code="captcha_required", fields={"captcha_answer": CAPTCHA_REQUIRED})


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
    """One of kabinet_vocabulary.BILL_DELIVERY (the customer's choice and the registry's column)."""
    if value not in BILL_DELIVERY:
        raise InvalidInput(code="invalid_bill_delivery", fields={
            "bill_delivery": f"Выберите способ доставки квитанции: {listing(BILL_DELIVERY.codes)}."})
    return value


NOTHING_TO_CHANGE = "Укажите, что изменить."


def account_changes(*, alias: str | None = None, group_id: str | None = None,
                    bill_delivery: str | None = None) -> dict:
    """The customer's changes of a binding (only those given), checked; the group is checked by its owner."""
    if alias is None and group_id is None and bill_delivery is None:
        raise InvalidInput(NOTHING_TO_CHANGE, code="nothing_to_change", fields={"_": NOTHING_TO_CHANGE})
    errors = FieldErrors()
    changes = {"alias": errors.check(clean_alias, alias)} if alias is not None else {}
    if bill_delivery is not None:
        changes["bill_delivery"] = errors.check(check_bill_delivery, bill_delivery)
    errors.raise_any()
    return changes


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

    @property
    def zone_names(self) -> tuple[str, ...]:
        """The tariff zones of its readings, in reading order (kabinet_vocabulary.ZONE)."""
        return ZONE.of_meter(self.zones)


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
