"""Поставщик (the supplier, a tenant): the retailer's master data and the check of every value of it.

A supplier's values travel as one flat dict keyed by their public JSON names ("name", "bank.bic",
"readings_window.to_day", …): the keys of per-field errors, of a change's field mask and of the audit
log are the same. `new_supplier` and `supplier_changes` are the only ways in; both report every
mistake at once (`FieldErrors`).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from kit.errors import InvalidInput
from services.accounts.domain.validation import FieldErrors

NAME_MAX = 200
SMS_CODE = re.compile(r"\d{3}")         # as in SMS readings "PESC DISP 012-12345678 00325" and registries
DEFAULT_TIMEZONE = "Europe/Moscow"
MONTH_DAYS = range(1, 32)               # a readings window's days; past a short month's end: its last day
DUE_DAYS = range(1, 29)                 # the payment due day exists in every month
OUTSIDE_WINDOW = ("refuse", "next_period")  # a reading outside the window: refused / taken for the next period
SERVICES_MAX, SERVICE_NAME_MAX = 20, 100
# What suppliers entered before these values were asked get (migration 0004, seed-demo): a window open
# all month (nothing refused, as before) and bills due on the 10th, the legal default (ЖК РФ, ст. 155).
DEFAULT_WINDOW = (1, 31, "refuse")
DEFAULT_DUE_DAY = 10

FIELDS = ("name", "inn", "kpp", "bank.bank_name", "bank.bic", "bank.settlement_account",
          "bank.correspondent_account", "sms_code", "timezone", "readings_window.from_day",
          "readings_window.to_day", "readings_window.outside", "payment_due_day", "services")
GROUPS = {"bank": tuple(f for f in FIELDS if f.startswith("bank.")),
          "readings_window": tuple(f for f in FIELDS if f.startswith("readings_window."))}
CODES = {"name": "invalid_supplier_name", "inn": "invalid_inn", "kpp": "invalid_kpp",
         "sms_code": "invalid_sms_code", "timezone": "invalid_timezone", "payment_due_day": "invalid_payment_due_day",
         "services": "invalid_services"} | dict.fromkeys(GROUPS["bank"], "invalid_bank_details") | dict.fromkeys(
             GROUPS["readings_window"], "invalid_readings_window")


@dataclass(frozen=True)
class BankDetails:
    """Банковские реквизиты: for invoices and payment QR codes."""

    bank_name: str
    bic: str                     # БИК
    settlement_account: str      # расчётный счёт
    correspondent_account: str   # корреспондентский счёт


@dataclass(frozen=True)
class ReadingsWindow:
    """The days of a month when customers submit readings, and what happens to a reading outside them."""

    from_day: int
    to_day: int
    outside: str  # one of OUTSIDE_WINDOW


@dataclass(frozen=True)
class Supplier:
    supplier_id: str
    name: str
    inn: str
    kpp: str
    bank: BankDetails
    sms_code: str
    timezone: str
    readings_window: ReadingsWindow
    payment_due_day: int
    services: tuple[str, ...]

    def values(self) -> dict:
        """The supplier as its flat dict of values (keys: FIELDS)."""
        out: dict = {}
        for name in FIELDS:
            group, _, leaf = name.rpartition(".")
            value = getattr(getattr(self, group) if group else self, leaf)
            out[name] = list(value) if name == "services" else value
        return out

    @classmethod
    def of(cls, supplier_id: str, values: dict) -> Supplier:
        """A supplier from a flat dict of values (every key of FIELDS)."""
        def part(group: str) -> dict:
            return {name.split(".", 1)[1]: values[name] for name in GROUPS[group]}
        top = {name: values[name] for name in FIELDS if "." not in name}
        return cls(supplier_id=supplier_id, **top | {"services": tuple(values["services"])},
                   bank=BankDetails(**part("bank")), readings_window=ReadingsWindow(**part("readings_window")))


# --- the ways in ---

def new_supplier(values: dict) -> dict:
    """Every value of a new supplier, checked and cleaned; a missing time zone is Europe/Moscow."""
    values = {name: values.get(name) for name in FIELDS}
    if not values["timezone"]:
        values["timezone"] = DEFAULT_TIMEZONE
    return _checked(values, given=set(FIELDS), current={})


def change_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """The fields a change names (a field mask): "bank" and "readings_window" stand for all their fields."""
    paths = list(paths)
    if not paths:
        message = "Укажите, что изменить."
        raise InvalidInput(message, code="nothing_to_change", fields={"_": message})
    unknown = [p for p in paths if p not in FIELDS and p not in GROUPS]
    if unknown:
        raise InvalidInput(code="invalid_update_mask", fields=dict.fromkeys(unknown, "Такого поля у поставщика нет."))
    return tuple(dict.fromkeys(leaf for p in paths for leaf in GROUPS.get(p, (p,))))


def supplier_changes(current: Supplier, changes: dict) -> dict:
    """The changed values (keys: those of `changes`), checked and cleaned. A BIC and the accounts keyed
    with it, and the two days of the readings window, are checked together with the values they keep."""
    return _checked(dict(changes), given=set(changes), current=current.values())


def _checked(values: dict, *, given: set[str], current: dict) -> dict:
    errors = FieldErrors()
    out: dict = {}
    for name in FIELDS:
        if name in given:
            out[name] = errors.check(CLEANERS[name], name, values[name])
    merged = current | out  # a value that failed its own check is None here: nothing is compared with it
    if given & set(GROUPS["bank"]):
        errors.check(accounts_match_bic, merged, given=given)
    if given & set(GROUPS["readings_window"]):
        errors.check(readings_window, merged, given=given)
    errors.raise_any()
    return out


def _refuse(name: str, message: str) -> InvalidInput:
    return InvalidInput(code=CODES[name], fields={name: message})


# --- one check per value; each takes the public name of its field and the value as given ---

def supplier_name(name: str, value: str | None) -> str:
    """Names (the supplier's, its bank's): 1–200 characters after trimming, inner spaces collapsed."""
    text = " ".join((value or "").split())
    if not 1 <= len(text) <= NAME_MAX:
        whose = "банка" if name == "bank.bank_name" else "поставщика"
        raise _refuse(name, f"Название {whose}: от 1 до {NAME_MAX} символов.")
    return text


def _compact(value: str | None) -> str:
    """A number as typed: spaces (from copying out of a document) ignored."""
    return re.sub(r"\s", "", value or "")


def inn(name: str, value: str | None) -> str:
    """ИНН of a legal entity: 10 digits, the last one the check digit."""
    digits = _compact(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise _refuse(name, "ИНН организации — 10 цифр.")
    if not inn_check_digit_ok(digits):
        raise _refuse(name, "ИНН с ошибкой: не сходится контрольная цифра.")
    return digits


def inn_check_digit_ok(digits: str) -> bool:
    """The FNS check of a 10-digit ИНН: the weighted sum of the first nine digits mod 11 mod 10."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10 == int(digits[9])


def kpp(name: str, value: str | None) -> str:
    """КПП: 9 characters — the tax office (4 digits), the reason (2 digits or Latin capitals A–Z, as FNS
    allows since 2013), the number (3 digits)."""
    text = _compact(value).upper()
    if not re.fullmatch(r"\d{4}[0-9A-Z]{2}\d{3}", text):
        raise _refuse(name, "КПП — 9 символов: 4 цифры, 2 цифры или латинские буквы, 3 цифры.")
    return text


def bic(name: str, value: str | None) -> str:
    """БИК of a Russian bank: 9 digits, starting with the country code 04."""
    digits = _compact(value)
    if not re.fullmatch(r"04\d{7}", digits):
        raise _refuse(name, "БИК — 9 цифр, начинается с 04.")
    return digits


def settlement_account(name: str, value: str | None) -> str:
    """Расчётный счёт: 20 digits (its key is checked with the BIC: `accounts_match_bic`)."""
    digits = _compact(value)
    if not re.fullmatch(r"\d{20}", digits):
        raise _refuse(name, "Расчётный счёт — 20 цифр.")
    return digits


def correspondent_account(name: str, value: str | None) -> str:
    """Корреспондентский счёт of a bank at the Bank of Russia: 20 digits, balance account 30101."""
    digits = _compact(value)
    if not re.fullmatch(r"30101\d{15}", digits):
        raise _refuse(name, "Корреспондентский счёт — 20 цифр, начинается с 30101.")
    return digits


def control_key_ok(prefix: str, account: str) -> bool:
    """The Bank of Russia's control key of an account number: the 3 digits of `prefix` (from the BIC) and
    the 20 of the account weighted 7, 1, 3, … — the last digits of the products add up to a multiple of 10."""
    digits = prefix + account
    if not re.fullmatch(r"\d{23}", digits):
        return False
    return sum(int(d) * (7, 1, 3)[i % 3] % 10 for i, d in enumerate(digits)) % 10 == 0


def accounts_match_bic(values: dict, *, given: set[str]) -> None:
    """The settlement account is keyed with the BIC's last three digits, the correspondent account with
    "0" and the BIC's 5th–6th digits (the Bank of Russia's division). Missing values (or ones that failed
    their own check) are not compared; a mismatch is reported on the account when it was given, else on
    the BIC."""
    code = values.get("bank.bic")
    if not code:
        return
    failed: dict[str, str] = {}
    for name, prefix, title in (("bank.settlement_account", code[-3:], "Расчётный счёт"),
                                ("bank.correspondent_account", "0" + code[4:6], "Корреспондентский счёт")):
        account = values.get(name)
        if not account or control_key_ok(prefix, account):
            continue
        if name in given:
            failed[name] = f"{title} не сходится с БИК (контрольный ключ): проверьте счёт и БИК."
        else:
            failed["bank.bic"] = "БИК не сходится со счетами поставщика (контрольный ключ): измените их вместе."
    if failed:
        raise InvalidInput(code="invalid_bank_details", fields=failed)


def sms_code(name: str, value: str | None) -> str:
    """The supplier's code in SMS readings and registry files: 3 digits, e.g. "012" (unique: the repository)."""
    text = (value or "").strip()
    if not SMS_CODE.fullmatch(text):
        raise _refuse(name, "Код для SMS — 3 цифры, например 012.")
    return text


def time_zone(name: str, value: str | None) -> str:
    """An Area/Location name of the IANA time zone database, e.g. Europe/Moscow or Asia/Yekaterinburg."""
    text = (value or "").strip()
    if "/" not in text or text not in _zones():
        raise _refuse(name, "Часовой пояс — название из базы IANA, например Europe/Moscow.")
    return text


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _whole(value, allowed: range) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value in allowed
    return value if ok else None


def window_day(name: str, value: int | None) -> int:
    """A day of the readings window: 1–31."""
    day = _whole(value, MONTH_DAYS)
    if day is None:
        raise _refuse(name, "День месяца: от 1 до 31.")
    return day


def window_policy(name: str, value: str | None) -> str:
    if value not in OUTSIDE_WINDOW:
        raise _refuse(name, "Вне окна показания отклоняются (refuse) или переносятся в следующий период "
                            "(next_period).")
    return value


def readings_window(values: dict, *, given: set[str]) -> None:
    """The window lies within one month: its first day is not after its last."""
    first, last = values.get("readings_window.from_day"), values.get("readings_window.to_day")
    if isinstance(first, int) and isinstance(last, int) and first > last:
        where = "readings_window.to_day" if "readings_window.to_day" in given else "readings_window.from_day"
        raise _refuse(where, "Окно приёма показаний — в пределах месяца: первый день не позже последнего.")


def payment_due_day(name: str, value: int | None) -> int:
    """The day of the next month a month's bill is due: 1–28, so that every month has it."""
    day = _whole(value, DUE_DAYS)
    if day is None:
        raise _refuse(name, f"День оплаты: от {DUE_DAYS[0]} до {DUE_DAYS[-1]}.")
    return day


def services(name: str, value: Iterable[str] | None) -> list[str]:
    """The supplier's services (Электроэнергия, …): 1–20 names of 1–100 characters, no repeats ignoring case."""
    names = [" ".join((s or "").split()) for s in (value or ())]
    if not 1 <= len(names) <= SERVICES_MAX or not all(1 <= len(s) <= SERVICE_NAME_MAX for s in names):
        raise _refuse(name, f"Услуги: от 1 до {SERVICES_MAX} названий, каждое от 1 до {SERVICE_NAME_MAX} символов.")
    if len({s.casefold() for s in names}) != len(names):
        raise _refuse(name, "Услуги не должны повторяться.")
    return names


CLEANERS = {"name": supplier_name, "inn": inn, "kpp": kpp, "bank.bank_name": supplier_name, "bank.bic": bic,
            "bank.settlement_account": settlement_account, "bank.correspondent_account": correspondent_account,
            "sms_code": sms_code, "timezone": time_zone, "readings_window.from_day": window_day,
            "readings_window.to_day": window_day, "readings_window.outside": window_policy,
            "payment_due_day": payment_due_day, "services": services}
