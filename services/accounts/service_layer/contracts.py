"""Legal contracts (договоры): bind by number + a listed e-mail, confirmed by a link sent there."""

from __future__ import annotations

import datetime as dt

from kit.errors import Conflict, NotFound, Rejected
from services.accounts.domain import contracts as dc
from services.accounts.domain.events import ContractBound, ContractConfirmationRequested, ContractUnbound
from services.accounts.service_layer.attempts import check_attempts, record_failure
from services.accounts.service_layer.ownership import own_contract

LINK_INVALID = NotFound("Ссылка недействительна: она уже использована или устарела. Добавьте договор ещё раз.",
                        code="contract_link_invalid")
TAKEN = Rejected("Этот договор уже добавлен в другой личный кабинет. Договор можно добавить только в один "
                 "личный кабинет; если это ошибка, обратитесь в центр обслуживания клиентов.", code="contract_taken")


def neutral_reply(email: str) -> str:
    hours = int(dc.LINK_TTL.total_seconds() // 3600)
    return (f"Если номер договора и адрес {email} указаны в договоре, на этот адрес отправлено письмо со ссылкой "
            f"для подтверждения. Ссылка действует {hours} ч.")


def request_binding(uow, *, user_id: str, number: str, email: str, captcha_solved: bool = False) -> str:
    """Sends a confirmation link when number and e-mail match; the reply is the same when they do not.
    `captcha_solved`: the caller (the gateway) verified a captcha; needed while the number is under pressure."""
    number, email = dc.binding_request(number, email)
    key = f"contract:{number}"
    now = dt.datetime.now(dt.UTC)
    with uow:
        check_attempts(uow, user_id=user_id, key=key, now=now, captcha_solved=captcha_solved)
        matching = [c for c in uow.contracts.by_number(number) if dc.listed(email, c["emails"])]
        if not matching:
            record_failure(uow, user_id=user_id, key=key)
            uow.commit()
            return neutral_reply(email)
        contract = matching[0]
        if contract["user_id"] == user_id:
            raise Conflict("Этот договор уже добавлен в ваш личный кабинет.", code="contract_already_bound")
        if contract["user_id"] is not None:
            raise TAKEN
        token, expires_at = dc.new_link_token(), now + dc.LINK_TTL
        uow.contracts.add_confirmation(token_hash=dc.token_hash(token), contract_id=contract["contract_id"],
                                       user_id=user_id, email=email, now=now, expires_at=expires_at)
        uow.emit(ContractConfirmationRequested(contract_id=contract["contract_id"], contract_number=number,
                                               email=email, token=token, expires_at=expires_at, user_id=user_id))
        uow.commit()
    return neutral_reply(email)


def confirm_binding(uow, *, token: str) -> dc.ContractCard:
    """Follows the link: single use, expiring; the contract goes to the cabinet that asked."""
    now = dt.datetime.now(dt.UTC)
    if not token or len(token) > 200:
        raise LINK_INVALID
    with uow:
        link = uow.contracts.spend_confirmation(dc.token_hash(token), now)
        if link is None:
            raise LINK_INVALID
        contract = uow.contracts.get(link["contract_id"], lock=True)
        if not dc.listed(link["email"], contract["emails"]):  # the registry removed that e-mail meanwhile
            uow.commit()
            raise LINK_INVALID
        if contract["user_id"] not in (None, link["user_id"]):
            uow.commit()  # the link is spent either way
            raise TAKEN
        if uow.contracts.bind(contract["contract_id"], link["user_id"], now):
            uow.emit(ContractBound(contract_id=contract["contract_id"], user_id=link["user_id"],
                                   supplier_id=contract["supplier_id"], contract_number=contract["number"]))
        card = uow.contracts.card(link["user_id"], contract["contract_id"])
        uow.commit()
    return card


def my_contracts(uow, user_id: str) -> list[dc.ContractCard]:
    with uow:
        return uow.contracts.cards(user_id)


def contract_for(uow, user_id: str, contract_id: str) -> dc.ContractCard:
    with uow:
        return own_contract(uow, user_id, contract_id)


def remove(uow, *, user_id: str, contract_id: str) -> None:
    with uow:
        card = own_contract(uow, user_id, contract_id)
        uow.contracts.unbind(card.contract_id, user_id)
        uow.emit(ContractUnbound(contract_id=card.contract_id, user_id=user_id))
        uow.commit()

