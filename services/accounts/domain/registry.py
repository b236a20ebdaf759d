"""The supplier's registry (реестр) of accounts, meters and payments: rows in, validated facts out.

The billing system is the master of this data. Each file is CSV (`;`-separated,
UTF-8, a header row; see docs/registry-format.md). A row that fails
validation is rejected with a Russian reason and its line number; the others
are imported. Plain Python: the store does the set-based writing.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kabinet_vocabulary import PAYMENT_CHANNEL

from kit.errors import InvalidInput
from kit.registry import Parsed, Rejection, RowError, parse  # noqa: F401 - the registry's rows, as accounts' API
from kit.registry import date as _date
from kit.registry import required as _required
from services.accounts.domain.contracts import contract_number, normalize_email
from services.accounts.domain.meters import check_meter_data
from services.accounts.domain.model import check_bill_delivery, number_key, payment_amount
from services.accounts.domain.validation import listing

STOVES = {"gas", "electric", ""}

ACCOUNT_COLUMNS = ("supplier_code", "account_number", "holder", "address", "category", "area_m2", "residents",
                   "stove", "bill_delivery", "automatic_metering")
METER_COLUMNS = ("supplier_code", "account_number", "meter_number", "model", "zones", "digits", "ratio",
                 "verification_due")
PAYMENT_COLUMNS = ("supplier_code", "account_number", "paid_on", "amount", "channel", "external_id")
CONTRACT_COLUMNS = ("supplier_code", "contract_number", "holder", "inn", "emails", "address")


def account_id_of(supplier_id: str, number_key: str) -> str:
    """A registry account's id: the same supplier and number give the same id in every database (a fresh
    installation importing the same registry, the demo, the tests)."""
    return str(uuid.uuid5(uuid.UUID(supplier_id), f"account:{number_key}"))


def meter_id_of(account_id: str, meter_number: str) -> str:
    """A registry meter's id, from its account and number (like account_id_of)."""
    return str(uuid.uuid5(uuid.UUID(account_id), f"meter:{meter_number}"))


@dataclass(frozen=True)
class AccountRow:
    line: int
    supplier_code: str
    number: str
    number_key: str
    holder: str
    address: str
    category: str
    premise: dict
    bill_delivery: str
    automatic_metering: bool


@dataclass(frozen=True)
class MeterRow:
    line: int
    supplier_code: str
    number_key: str
    meter_number: str
    model: str
    zones: int
    digits: int
    ratio: Decimal
    verification_due: dt.date | None


@dataclass(frozen=True)
class PaymentRow:
    line: int
    supplier_code: str
    number_key: str
    paid_on: dt.date
    amount_kop: int
    channel: str
    external_id: str


@dataclass(frozen=True)
class ContractRow:
    line: int
    supplier_code: str
    number: str
    holder: str
    inn: str
    emails: tuple[str, ...]
    address: str


def account_row(line: int, r: Mapping[str, str]) -> AccountRow:
    number, key = _account_number(r)
    stove = r.get("stove", "").lower()
    if stove not in STOVES:
        raise RowError(f"Тип плиты «{stove}»: ожидается gas или electric.")
    delivery = _checked(check_bill_delivery, (r.get("bill_delivery") or "paper").lower())
    premise = {"stove": stove}
    if r.get("area_m2"):
        premise["area_m2"] = str(_decimal(r["area_m2"], "площадь", places=2, positive=True))
    if r.get("residents"):
        premise["residents"] = _int(r["residents"], "число проживающих", 0, 100)
    return AccountRow(
        line=line, supplier_code=_required(r, "supplier_code", "код поставщика"), number=number, number_key=key,
        holder=_required(r, "holder", "владелец"), address=_required(r, "address", "адрес"),
        category=_required(r, "category", "категория"), premise=premise, bill_delivery=delivery,
        automatic_metering=_bool(r.get("automatic_metering", ""), "АИИС КУЭ"))


def meter_row(line: int, r: Mapping[str, str]) -> MeterRow:
    """A meter's values pass the same check as a staff correction (and fail with its messages)."""
    _, key = _account_number(r)
    supplier = _required(r, "supplier_code", "код поставщика")
    due = _date(r["verification_due"], "дата поверки") if r.get("verification_due") else None
    meter = _checked(check_meter_data, number=r.get("meter_number", ""), model=r.get("model", ""),
                     zones=r.get("zones", ""), digits=r.get("digits", ""), ratio=r.get("ratio") or "1",
                     verification_due=due)
    return MeterRow(line=line, supplier_code=supplier, number_key=key, meter_number=meter["number"],
                    model=meter["model"], zones=meter["zones"], digits=meter["digits"], ratio=meter["ratio"],
                    verification_due=meter.get("verification_due"))


def payment_row(line: int, r: Mapping[str, str]) -> PaymentRow:
    _, key = _account_number(r)
    supplier = _required(r, "supplier_code", "код поставщика")
    paid_on = _date(_required(r, "paid_on", "дата оплаты"), "дата оплаты")
    amount = _decimal(_required(r, "amount", "сумма"), "сумма", places=2, positive=True)
    channel = (r.get("channel") or "bank").lower()
    if channel not in PAYMENT_CHANNEL:
        raise RowError(f"Канал оплаты «{channel}»: ожидается {listing(PAYMENT_CHANNEL.codes)}.")
    amount_kop = _checked(payment_amount, int(amount * 100))  # the bounds a customer's proof has
    external_id = r.get("external_id") or f"{supplier}:{key}:{paid_on.isoformat()}:{amount_kop}:{channel}"
    return PaymentRow(line=line, supplier_code=supplier, number_key=key, paid_on=paid_on, amount_kop=amount_kop,
                      channel=channel, external_id=external_id)


def contract_row(line: int, r: Mapping[str, str]) -> ContractRow:
    typed = _required(r, "contract_number", "номер договора")
    try:
        number = contract_number(typed)
    except InvalidInput:
        raise RowError(f"Номер договора «{typed}»: ожидается 14 цифр.") from None
    inn = _required(r, "inn", "ИНН")
    if not re.fullmatch(r"\d{10}|\d{12}", inn):
        raise RowError(f"ИНН «{inn}»: ожидается 10 или 12 цифр.")
    emails: list[str] = []
    for typed_email in _required(r, "emails", "адреса электронной почты").split(","):
        if not typed_email.strip():
            continue
        try:
            email = normalize_email(typed_email)
        except InvalidInput:
            raise RowError(f"Адрес электронной почты «{typed_email.strip()}» указан неверно.") from None
        if email not in emails:
            emails.append(email)
    if not emails:
        raise RowError("Не заполнено поле «адреса электронной почты» (emails).")
    return ContractRow(line=line, supplier_code=_required(r, "supplier_code", "код поставщика"), number=number,
                       holder=_required(r, "holder", "потребитель"), inn=inn, emails=tuple(sorted(emails)),
                       address=_required(r, "address", "адрес"))


def _checked(rule, *args, **kwargs):
    """A rule shared with the API, its refusal as this row's reason (the same message)."""
    try:
        return rule(*args, **kwargs)
    except InvalidInput as exc:
        raise RowError(" ".join(exc.fields.values()) or exc.message) from None


def _account_number(r: Mapping[str, str]) -> tuple[str, str]:
    number = _required(r, "account_number", "номер лицевого счёта")
    try:
        return number, number_key(number)
    except InvalidInput:
        raise RowError(f"Неверный номер лицевого счёта «{number}».") from None


def _int(text: str, title: str, low: int, high: int) -> int:
    if not re.fullmatch(r"\d{1,6}", text):
        raise RowError(f"«{title}»: ожидается целое число, получено «{text}».")
    value = int(text)
    if not low <= value <= high:
        raise RowError(f"«{title}»: допустимо от {low} до {high}, получено {value}.")
    return value


def _decimal(text: str, title: str, *, places: int, positive: bool) -> Decimal:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise RowError(f"«{title}»: ожидается число, получено «{text}».") from None
    if not value.is_finite() or (positive and value <= 0) or value != value.quantize(Decimal(10) ** -places):
        raise RowError(f"«{title}»: ожидается положительное число, не больше {places} знаков после запятой.")
    return value


def _bool(text: str, title: str) -> bool:
    value = text.lower()
    if value in ("", "0", "нет", "no", "false"):
        return False
    if value in ("1", "да", "yes", "true"):
        return True
    raise RowError(f"«{title}»: ожидается да/нет (1/0), получено «{text}».")
