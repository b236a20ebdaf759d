"""The shape of YooKassa's requests, checked the way the API does: the first violation is answered with
`{"type": "error", "code": "invalid_request", "description": …, "parameter": "<dotted path>"}`."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

VAT_CODES = range(1, 13)  # 1 без НДС … 6 20/120, 7–12 the 5 %, 7 % and 22 % rates
PAYMENT_SUBJECTS = {
    "commodity", "excise", "job", "service", "gambling_bet", "gambling_prize", "lottery", "lottery_prize",
    "intellectual_activity", "payment", "agent_commission", "property_right", "non_operating_gain",
    "insurance_premium", "sales_tax", "resort_fee", "composite", "another", "fine", "tax_and_collections", "lien",
    "cost", "pension_insurance_without_payouts", "pension_insurance_with_payouts",
    "health_insurance_without_payouts", "health_insurance_with_payouts", "health_insurance", "casino",
    "agent_withdrawals", "non_marked_excise", "marked_excise", "marked", "non_marked",
}
PAYMENT_MODES = {"full_prepayment", "partial_prepayment", "advance", "full_payment", "partial_payment", "credit",
                 "credit_payment"}
MONEY = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\d{11,15}$")  # ITU-T E.164 without "+", as YooKassa wants it


class ApiError(Exception):
    """An answer in YooKassa's error format."""

    def __init__(self, status: int, code: str, description: str, parameter: str | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.code, self.description = status, code, description
        self.parameter, self.retry_after = parameter, retry_after


def invalid(description: str, parameter: str | None = None) -> ApiError:
    return ApiError(400, "invalid_request", description, parameter)


def money(value: object, parameter: str) -> Decimal:
    """An amount's value: a string (or a number) with at most two decimals, more than zero."""
    text = str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
    if not MONEY.match(text):
        raise invalid(f"Invalid amount value: {value!r}", parameter)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise invalid(f"Invalid amount value: {value!r}", parameter) from None
    if amount <= 0:
        raise invalid("Amount value must be greater than zero", parameter)
    return amount


def amount(value: object, parameter: str = "amount") -> Decimal:
    """`{"value": "100.00", "currency": "RUB"}`; the simulated shop takes roubles only."""
    if not isinstance(value, dict):
        raise invalid("Amount is missing or illegal", parameter)
    if value.get("currency") != "RUB":
        raise invalid(f"Unsupported currency: {value.get('currency')!r}", f"{parameter}.currency")
    return money(value.get("value"), f"{parameter}.value")


def text(body: dict, name: str, limit: int, parameter: str | None = None, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise invalid(f"{name} must be a non-empty string of at most {limit} characters", parameter or name)
    return value


def flag(body: dict, name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise invalid(f"{name} must be true or false", name)
    return value


def metadata(value: object) -> dict | None:
    """At most 16 keys of up to 32 characters, values strings of up to 512."""
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) > 16:
        raise invalid("Metadata must be an object with at most 16 keys", "metadata")
    for key, item in value.items():
        if len(key) > 32 or not isinstance(item, (str, int, float, bool)) or len(str(item)) > 512:
            raise invalid(f"Illegal metadata value for key {key!r}", f"metadata.{key}")
    return {key: str(item) if not isinstance(item, str) else item for key, item in value.items()}


def confirmation(value: object) -> str:
    """`{"type": "redirect", "return_url": …}`: the only scenario simulated; returns the return URL."""
    if not isinstance(value, dict):
        raise invalid("Confirmation is missing or illegal", "confirmation")
    if value.get("type") != "redirect":
        raise invalid(f"Unsupported confirmation type: {value.get('type')!r}", "confirmation.type")
    url = value.get("return_url")
    if not isinstance(url, str) or not re.match(r"^https?://\S+$", url) or len(url) > 2048:
        raise invalid("return_url must be an http(s) URL of at most 2048 characters", "confirmation.return_url")
    return url


def receipt(value: object, total: Decimal) -> dict:
    """A 54-ФЗ receipt: the customer's e-mail or phone, and items whose price × quantity add up to `total`."""
    if not isinstance(value, dict):
        raise invalid("Receipt is missing or illegal", "receipt")
    customer = value.get("customer") or {}
    if not isinstance(customer, dict):
        raise invalid("Customer is illegal", "receipt.customer")
    email = customer.get("email") or value.get("email")
    phone = customer.get("phone") or value.get("phone")
    if not email and not phone:
        raise invalid("Receipt must name the customer's email or phone", "receipt.customer")
    if email and (not isinstance(email, str) or not EMAIL.match(email)):
        raise invalid("Invalid customer email", "receipt.customer.email")
    if phone and (not isinstance(phone, str) or not PHONE.match(phone)):
        raise invalid("Invalid customer phone: 11 to 15 digits, no '+'", "receipt.customer.phone")
    items = value.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= 100:
        raise invalid("Receipt must have 1 to 100 items", "receipt.items")
    sum_ = Decimal(0)
    for i, item in enumerate(items):
        where = f"receipt.items[{i}]"
        if not isinstance(item, dict):
            raise invalid("Receipt item is illegal", where)
        text(item, "description", 128, f"{where}.description", required=True)
        quantity = _quantity(item.get("quantity"), f"{where}.quantity")
        price = amount(item.get("amount"), f"{where}.amount")
        vat = item.get("vat_code")
        if not isinstance(vat, int) or isinstance(vat, bool) or vat not in VAT_CODES:
            raise invalid(f"Invalid vat_code: {vat!r}", f"{where}.vat_code")
        if item.get("payment_subject", "commodity") not in PAYMENT_SUBJECTS:
            raise invalid(f"Invalid payment_subject: {item.get('payment_subject')!r}", f"{where}.payment_subject")
        if item.get("payment_mode", "full_prepayment") not in PAYMENT_MODES:
            raise invalid(f"Invalid payment_mode: {item.get('payment_mode')!r}", f"{where}.payment_mode")
        sum_ += (price * quantity).quantize(Decimal("0.01"))
    if sum_ != total:
        raise invalid(f"Receipt items sum ({sum_:.2f}) is not equal to the amount ({total:.2f})", "receipt.items")
    return value


def _quantity(value: object, parameter: str) -> Decimal:
    try:
        quantity = Decimal(str(value)) if isinstance(value, (str, int, float)) and not isinstance(value, bool) \
            else Decimal(-1)
    except InvalidOperation:
        quantity = Decimal(-1)
    if not quantity.is_finite() or quantity <= 0:
        raise invalid(f"Invalid quantity: {value!r}", parameter)
    return quantity
