"""Binding a лицевой счёт to a cabinet with proof, and unbinding it."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from kit.errors import NotFound
from kit.ids import is_uuid
from services.accounts.domain import model
from services.accounts.domain.events import AccountBound, AccountUnbound
from services.accounts.service_layer.attempts import check_attempts, record_failure
from services.accounts.service_layer.ownership import own_account, own_group

NO_MATCH = NotFound("Лицевой счёт не найден или данные для подтверждения не совпадают.",
                    code="account_proof_mismatch")


def bind_account(uow, *, user_id: str, number: str, alias: str = "", supplier_id: str = "", group_id: str = "",
                 last_payment: tuple[str, int] | None = None, meter_number: str | None = None,
                 activation_code: str | None = None, captcha_solved: bool = False,
                 today: dt.date | None = None) -> model.AccountCard:
    """Привязать лицевой счёт: the proof must match; the error never says which part did not.
    `captcha_solved`: the caller (the gateway) verified a captcha; needed while the number is under pressure."""
    req = model.binding_request(number=number, alias=alias, last_payment=last_payment, meter_number=meter_number,
                                activation_code=activation_code)
    now = dt.datetime.now(dt.UTC)
    with uow:
        check_attempts(uow, user_id=user_id, key=req.number_key, now=now, captcha_solved=captcha_solved)
        group_id = own_group(uow, user_id, group_id).group_id if group_id else uow.accounts.default_group(user_id)
        matched = _matching(uow, req, supplier_id, today or now.date(), now)
        code = req.proof.activation_code
        if len(matched) != 1 or (code and not uow.accounts.use_code(model.activation_code_hash(code), user_id, now)):
            record_failure(uow, user_id=user_id, key=req.number_key)
            uow.commit()
            raise NO_MATCH
        account_id, supplier = matched[0]
        if uow.accounts.bind(user_id=user_id, account_id=account_id, group_id=group_id, alias=req.alias):
            uow.emit(AccountBound(account_id=account_id, user_id=user_id, supplier_id=supplier))
        card = uow.accounts.card(user_id, account_id)
        uow.commit()
    return card


def _matching(uow, req: model.BindingRequest, supplier_id: str, today: dt.date, now: dt.datetime) -> list:
    """The accounts with this number (of this supplier, when named) whose data match the proof."""
    if supplier_id and not is_uuid(supplier_id):
        return []  # no such supplier: the same answer as a wrong proof
    repo, proof = uow.accounts, req.proof
    return [c for c in repo.find_by_number(req.number_key, supplier_id or None) if model.proof_matches(
        payments=repo.payments(c.account_id), meter_numbers=repo.meter_numbers(c.account_id), today=today,
        code_hashes=repo.usable_code_hashes(c.account_id, now) if proof.activation_code else (), **asdict(proof))]


def unbind_account(uow, *, user_id: str, account_id: str) -> None:
    with uow:
        own_account(uow, user_id, account_id)
        uow.accounts.unbind(user_id, account_id)
        uow.emit(AccountUnbound(account_id=account_id, user_id=user_id))
        uow.commit()
