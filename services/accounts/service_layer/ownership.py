"""What a cabinet owns. Anything of another cabinet — account, group, contract, request — is NOT_FOUND
with the same code and message as an id that does not exist or is not even an id: existence is never
revealed (and a malformed id never reaches the database)."""

from __future__ import annotations

from kit.errors import NotFound
from kit.ids import is_uuid
from services.accounts.domain.contracts import ContractCard
from services.accounts.domain.model import AccountCard, Group
from services.accounts.domain.requests import ServiceRequest

ACCOUNT_NOT_FOUND = NotFound("Лицевой счёт не найден.", code="account_not_found")
GROUP_NOT_FOUND = NotFound("Группа не найдена.", code="group_not_found")
CONTRACT_NOT_FOUND = NotFound("Договор не найден.", code="contract_not_found")
REQUEST_NOT_FOUND = NotFound("Заявка не найдена.", code="request_not_found")


def own_account(uow, user_id: str, account_id: str) -> AccountCard:
    card = uow.accounts.card(user_id, account_id) if is_uuid(account_id) else None
    if card is None:
        raise ACCOUNT_NOT_FOUND
    return card


def own_group(uow, user_id: str, group_id: str) -> Group:
    group = uow.accounts.group(user_id, group_id) if is_uuid(group_id) else None
    if group is None:
        raise GROUP_NOT_FOUND
    return group


def own_contract(uow, user_id: str, contract_id: str) -> ContractCard:
    card = uow.contracts.card(user_id, contract_id) if is_uuid(contract_id) else None
    if card is None:
        raise CONTRACT_NOT_FOUND
    return card


def own_request(uow, user_id: str, request_id: str, *, lock: bool = False) -> ServiceRequest:
    req = uow.requests.get(request_id, user_id=user_id, lock=lock) if is_uuid(request_id) else None
    if req is None:
        raise REQUEST_NOT_FOUND
    return req
