"""What a staff search of accounts needs: at least one filter, and no filter so short it lists everyone."""

from __future__ import annotations

from dataclasses import dataclass

from kit.errors import InvalidInput
from kit.ids import is_uuid
from services.accounts.domain.model import meter_key, number_key
from services.accounts.domain.validation import FieldErrors

TEXT_MIN = 3  # address and holder are substrings: shorter ones would match half the registry
LIMIT_DEFAULT, LIMIT_MAX = 50, 200
FILTER_REQUIRED = "Укажите номер счёта, адрес, владельца, номер счётчика или пользователя."


@dataclass(frozen=True)
class AccountSearch:
    number_key: str | None
    address: str
    holder: str
    meter_key: str
    user_id: str
    limit: int


def account_search(*, number: str = "", address: str = "", holder: str = "", meter_number: str = "",
                   user_id: str = "", limit: int = 0) -> AccountSearch:
    """The filters, checked and normalised (numbers as their keys); every filter given must match."""
    number, address, holder = number.strip(), address.strip(), holder.strip()
    meter_number, user_id = meter_number.strip(), user_id.strip()
    if not any((number, address, holder, meter_number, user_id)):
        raise InvalidInput(FILTER_REQUIRED, code="search_filter_required", fields={"_": FILTER_REQUIRED})
    errors = FieldErrors()
    key = errors.check(number_key, number) if number else None
    errors.check(long_enough, address=address, holder=holder)
    if user_id:
        errors.check(user_uuid, user_id)
    errors.raise_any()
    return AccountSearch(number_key=key, address=address, holder=holder,
                         meter_key=meter_key(meter_number) if meter_number else "", user_id=user_id,
                         limit=min(max(limit or LIMIT_DEFAULT, 1), LIMIT_MAX))


def long_enough(**texts: str) -> None:
    short = {name: f"Не меньше {TEXT_MIN} символов." for name, text in texts.items() if 0 < len(text) < TEXT_MIN}
    if short:
        raise InvalidInput(f"Адрес и владелец: не меньше {TEXT_MIN} символов.", code="search_too_short",
                           fields=short)


def user_uuid(user_id: str) -> str:
    if not is_uuid(user_id):
        raise InvalidInput(code="invalid_user_id", fields={"user_id": "Идентификатор пользователя — UUID."})
    return user_id
