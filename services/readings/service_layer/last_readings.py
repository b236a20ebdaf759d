"""The newest reading of several of the customer's accounts at once (the dashboard): what
`service_layer/views.py:list_readings` gives first with limit 1, for each account the caller may touch — the
projection answers for its bound accounts in the same query that finds their readings, accounts for its misses
(as `service_layer/accounts.py:allowed_account` for one); the others are left out, not refused."""

from __future__ import annotations

from kit.errors import DomainError, InvalidInput
from kit.ids import is_uuid
from services.readings.domain import model
from services.readings.service_layer.accounts import AccountsPort, allowed_account

MAX_ACCOUNTS = 100  # account ids per call (a dashboard has a handful)


def last_readings(uow, accounts: AccountsPort, *, user_id: str,
                  account_ids: list[str]) -> list[tuple[str, model.Reading | None]]:
    """(account, its newest reading or None) of each account the caller may touch, in the order asked."""
    if len(account_ids) > MAX_ACCOUNTS:
        raise InvalidInput(f"Не больше {MAX_ACCOUNTS} лицевых счетов за раз.", code="too_many_accounts",
                           fields={"account_ids": f"Не больше {MAX_ACCOUNTS}."})
    wanted = [a for a in dict.fromkeys(account_ids) if is_uuid(a)]
    with uow:
        bound, found = uow.last_readings.last_of_bound(user_id, wanted)  # one query
        misses = [a for a in wanted if a not in bound and _accounts_allow(uow, accounts, user_id, a)]
        found |= uow.last_readings.last_for_accounts(misses)
    allowed = bound | set(misses)
    return [(a, found.get(a)) for a in wanted if a in allowed]


def _accounts_allow(uow, accounts: AccountsPort, user_id: str, account_id: str) -> bool:
    """A projection's miss: accounts decides (NOT_FOUND or PERMISSION_DENIED: not the user's)."""
    try:
        allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        return True
    except DomainError as exc:
        if exc.status not in ("NOT_FOUND", "PERMISSION_DENIED"):
            raise
        return False
