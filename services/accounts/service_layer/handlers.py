"""Accounts use cases."""

from __future__ import annotations

import datetime as dt
import uuid

from kabinet.accounts.v1 import accounts_pb2 as pb

from kit.errors import NotFound, TooManyAttempts
from kit.events import Event
from services.accounts.domain import model
from services.accounts.service_layer.messages import to_pb

ATTEMPT_WINDOW = dt.timedelta(hours=1)
MAX_ATTEMPTS_PER_USER = 10
MAX_ATTEMPTS_PER_ACCOUNT = 20
NO_MATCH = NotFound("Лицевой счёт не найден или данные для подтверждения не совпадают.",
                    code="account_proof_mismatch")


GROUP_NOT_FOUND = NotFound("Группа не найдена.", code="group_not_found")


def check_attempts(uow, *, user_id: str, key: str, now: dt.datetime) -> None:
    """Failed proofs (of accounts and contracts) are limited per user and per number."""
    by_user, by_number = uow.accounts.failed_attempts(user_id=user_id, key=key, since=now - ATTEMPT_WINDOW)
    if by_user >= MAX_ATTEMPTS_PER_USER or by_number >= MAX_ATTEMPTS_PER_ACCOUNT:
        raise TooManyAttempts("Слишком много неудачных попыток. Попробуйте через час.",
                              retry_after=int(ATTEMPT_WINDOW.total_seconds()))


def bind_account(uow, *, user_id: str, number: str, supplier_id: str | None, alias: str,
                 paid_on: dt.date | None = None, amount_kop: int | None = None,
                 meter_number: str | None = None, activation_code: str | None = None,
                 group_id: str = "", today: dt.date | None = None) -> model.AccountCard:
    """Привязать лицевой счёт: the proof must match; the error never says which part did not."""
    key = model.number_key(number)
    alias = model.clean_alias(alias)
    now = dt.datetime.now(dt.UTC)
    today = today or now.date()
    with uow:
        check_attempts(uow, user_id=user_id, key=key, now=now)
        group_id = _own_group(uow, user_id, group_id) if group_id else uow.accounts.default_group(user_id)
        candidates = uow.accounts.find_by_number(key, supplier_id if _is_uuid(supplier_id or "") else None)
        matched = [c for c in candidates if model.proof_matches(
            payments=uow.accounts.payments(c.account_id), meter_numbers=uow.accounts.meter_numbers(c.account_id),
            today=today, paid_on=paid_on, amount_kop=amount_kop, meter_number=meter_number,
            activation_code=activation_code,
            code_hashes=uow.accounts.usable_code_hashes(c.account_id, now) if activation_code else ())]
        if len(matched) != 1 or (activation_code and not uow.accounts.use_code(
                model.activation_code_hash(activation_code), user_id, now)):
            uow.accounts.record_failed_attempt(user_id=user_id, key=key)
            uow.commit()
            raise NO_MATCH
        account_id, account_supplier = matched[0]
        if uow.accounts.bind(user_id=user_id, account_id=account_id, group_id=group_id, alias=alias):
            uow.emit(Event(type="accounts.account.bound", aggregate_id=account_id, payload=pb.AccountBound(
                account_id=account_id, user_id=user_id, supplier_id=account_supplier)))
        card = uow.accounts.card(user_id, account_id)
        uow.commit()
    return card


def update_account(uow, *, user_id: str, account_id: str, alias: str | None = None,
                   group_id: str | None = None, bill_delivery: str | None = None) -> model.AccountCard:
    """Alias, group and bill-delivery preference of one of the user's accounts."""
    changes: dict = {}
    if alias is not None:
        changes["alias"] = model.clean_alias(alias)
    if bill_delivery is not None:
        model.check_bill_delivery(bill_delivery)
    with uow:
        card = _own_account(uow, user_id, account_id)
        if group_id is not None:
            changes["group_id"] = _own_group(uow, user_id, group_id)
        if changes:
            uow.accounts.update_binding(user_id, account_id, **changes)
        if bill_delivery is not None and bill_delivery != card.bill_delivery:
            uow.accounts.choose_bill_delivery(account_id, bill_delivery)
            for event in account_changed_events(uow.accounts, [account_id]):
                uow.emit(event)
        card = uow.accounts.card(user_id, account_id)
        uow.commit()
    return card


def unbind_account(uow, *, user_id: str, account_id: str) -> None:
    with uow:
        _own_account(uow, user_id, account_id)
        uow.accounts.unbind(user_id, account_id)
        uow.emit(Event(type="accounts.account.unbound", aggregate_id=account_id,
                       payload=pb.AccountUnbound(account_id=account_id, user_id=user_id)))
        uow.commit()


# --- groups ---

def list_groups(uow, user_id: str) -> list[model.Group]:
    with uow:
        groups = uow.accounts.groups(user_id)  # creates «Моя группа» on first use
        uow.commit()
    return groups


def create_group(uow, *, user_id: str, name: str) -> model.Group:
    with uow:
        name = model.group_name(name, uow.accounts.groups(user_id))
        group_id = uow.accounts.add_group(user_id, name)
        uow.commit()
    return model.Group(group_id, name, False, 0)


def rename_group(uow, *, user_id: str, group_id: str, name: str) -> model.Group:
    with uow:
        group = _group(uow, user_id, group_id)
        name = model.group_name(name, uow.accounts.groups(user_id), renaming=group.group_id)
        uow.accounts.rename_group(group.group_id, name)
        uow.commit()
    return model.Group(group.group_id, name, group.is_default, group.account_count)


def delete_group(uow, *, user_id: str, group_id: str) -> tuple[str, int]:
    """Deletes a group; its accounts move to the default group. (default group id, moved)."""
    with uow:
        group = _group(uow, user_id, group_id)
        model.check_deletable(group)
        default_id = uow.accounts.default_group(user_id)
        moved = uow.accounts.delete_group(user_id, group.group_id, default_id)
        uow.commit()
    return default_id, moved


def _group(uow, user_id: str, group_id: str) -> model.Group:
    group = uow.accounts.group(user_id, group_id) if _is_uuid(group_id) else None
    if group is None:
        raise GROUP_NOT_FOUND
    return group


def _own_group(uow, user_id: str, group_id: str) -> str:
    return _group(uow, user_id, group_id).group_id


def _own_account(uow, user_id: str, account_id: str) -> model.AccountCard:
    card = uow.accounts.card(user_id, account_id) if _is_uuid(account_id) else None
    if card is None:
        raise NotFound("Лицевой счёт не найден.", code="account_not_found")
    return card


def my_accounts(uow, user_id: str) -> list[model.AccountCard]:
    with uow:
        return uow.accounts.cards(user_id)


def account_for(uow, user_id: str, account_id: str) -> model.AccountCard:
    """The account if it is bound to this user; NotFound otherwise (existence is not revealed)."""
    with uow:
        return _own_account(uow, user_id, account_id)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def account_changed_events(repo, account_ids: list[str]) -> list[Event]:
    """accounts.account.changed with each account's current facts (for other services' projections)."""
    return [Event(type="accounts.account.changed", aggregate_id=card.account_id,
                  payload=pb.AccountChanged(account=to_pb(card))) for card in repo.facts_many(account_ids)]
