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


def bind_account(uow, *, user_id: str, number: str, supplier_id: str | None, alias: str,
                 paid_on: dt.date | None = None, amount_kop: int | None = None,
                 meter_number: str | None = None, today: dt.date | None = None) -> model.AccountCard:
    """Привязать лицевой счёт: the proof must match; the error never says which part did not."""
    key = model.number_key(number)
    now = dt.datetime.now(dt.UTC)
    today = today or now.date()
    with uow:
        by_user, by_number = uow.accounts.failed_attempts(user_id=user_id, key=key, since=now - ATTEMPT_WINDOW)
        if by_user >= MAX_ATTEMPTS_PER_USER or by_number >= MAX_ATTEMPTS_PER_ACCOUNT:
            raise TooManyAttempts("Слишком много неудачных попыток привязать счёт. Попробуйте через час.",
                                  retry_after=int(ATTEMPT_WINDOW.total_seconds()))
        candidates = uow.accounts.find_by_number(key, supplier_id)
        matched = [c for c in candidates if model.proof_matches(
            payments=uow.accounts.payments(c.account_id), meter_numbers=uow.accounts.meter_numbers(c.account_id),
            today=today, paid_on=paid_on, amount_kop=amount_kop, meter_number=meter_number)]
        if len(matched) != 1:
            uow.accounts.record_failed_attempt(user_id=user_id, key=key)
            uow.commit()
            raise NO_MATCH
        account_id, account_supplier = matched[0]
        group_id = uow.accounts.default_group(user_id)
        if uow.accounts.bind(user_id=user_id, account_id=account_id, group_id=group_id, alias=alias.strip()[:100]):
            uow.emit(Event(type="accounts.account.bound", aggregate_id=account_id, payload=pb.AccountBound(
                account_id=account_id, user_id=user_id, supplier_id=account_supplier)))
        card = uow.accounts.card(user_id, account_id)
        uow.commit()
    return card


def my_accounts(uow, user_id: str) -> list[model.AccountCard]:
    with uow:
        return uow.accounts.cards(user_id)


def account_for(uow, user_id: str, account_id: str) -> model.AccountCard:
    """The account if it is bound to this user; NotFound otherwise (existence is not revealed)."""
    if not _is_uuid(account_id):
        raise NotFound("Лицевой счёт не найден.", code="account_not_found")
    with uow:
        card = uow.accounts.card(user_id, account_id)
    if card is None:
        raise NotFound("Лицевой счёт не найден.", code="account_not_found")
    return card


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def account_changed_events(repo, account_ids: list[str]) -> list[Event]:
    """accounts.account.changed with each account's current facts (for other services' projections)."""
    return [Event(type="accounts.account.changed", aggregate_id=card.account_id,
                  payload=pb.AccountChanged(account=to_pb(card))) for card in repo.facts_many(account_ids)]
