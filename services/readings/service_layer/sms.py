"""SMS readings: an SMS gateway delivers an incoming SMS, readings answers it — a reading stored by the rules of
any submission (source "sms") or a refusal — and the answer SMS leaves through the outbox (readings.sms.answered,
notify sends it). docs/sms-readings.md.

Who may submit: the sender's phone must be the verified sign-in phone of a cabinet (auth) bound to the account
(readings' projection of bindings). An unknown supplier code or account, an unverified phone and a phone not bound
to the account all get the one answer NOT_FOUND_TEXT: an SMS never tells whether an account exists or whose it is.

Once per message: the answer is kept per (SMS gateway, message id) and its event written in the same transaction,
so a re-delivered SMS gets the first answer and nothing is stored or sent again. The reading itself is stored by
submit_reading in its own transaction, keyed "sms:<partner>:<message id>" for the cabinet's user: a delivery that
died between the two finds the same reading on the next delivery and answers then.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol

from kabinet_vocabulary import READING_SOURCE

from kit.context import Caller
from kit.errors import DomainError, Forbidden, InvalidInput, NotFound, Rejected
from services.readings.adapters.sms_store import sms_answered
from services.readings.domain import model, sms, windows
from services.readings.domain import sms_replies as replies
from services.readings.domain.sms_replies import SmsAnswer
from services.readings.service_layer import submission
from services.readings.service_layer.accounts import AccountsPort
from services.readings.service_layer.calculator import PaymentsPort

log = logging.getLogger(__name__)
SMS = READING_SOURCE.SMS
SMS_GATEWAY = "sms_gateway"  # auth's partner kind (services/auth/domain/partners.py:KINDS)
SUPPLIER_ROLE = "supplier:"  # a partner scoped to one supplier carries the role "supplier:<id>"


class FinderPort(Protocol):
    def find(self, number: str, supplier_id: str) -> str:
        """The account id of a number at a supplier (accounts' FindAccount); NotFound otherwise."""


class UsersPort(Protocol):
    def user_by_phone(self, phone: str) -> str:
        """The user whose verified sign-in phone this is (auth); NotFound otherwise."""


def sms_gateway(caller: Caller | None) -> tuple[str, str]:
    """(partner id, the supplier it is scoped to or "") of an SMS gateway; `partner_only` for anyone else."""
    if caller is None or caller.kind != "partner" or SMS_GATEWAY not in caller.roles:
        raise Forbidden("Доступно только SMS-шлюзам.", code="partner_only")
    scoped = next((r.removeprefix(SUPPLIER_ROLE) for r in caller.roles if r.startswith(SUPPLIER_ROLE)), "")
    return caller.user_id, scoped.lower()


def answer_sms(uow_factory, accounts: AccountsPort, users: UsersPort, payments: PaymentsPort, caller: Caller | None,
               *, message_id: str, phone: str, text: str, now: dt.datetime | None = None) -> SmsAnswer:
    """Answer an incoming SMS once per gateway and message id."""
    partner_id, scope = sms_gateway(caller)
    message_id, phone = message_id.strip(), phone.strip()
    missing = {name: "Обязательное поле." for name, value in (("message_id", message_id), ("phone", phone))
               if not value}
    if missing:
        raise InvalidInput(fields=missing)
    with uow_factory() as uow:
        earlier = uow.sms.answer(partner_id, message_id)
    if earlier is not None:
        return earlier
    answer = _answer(uow_factory, accounts, users, payments, key=f"sms:{partner_id}:{message_id}", scope=scope,
                     phone=phone, text=text, now=now)
    with uow_factory() as uow:
        if not uow.sms.add(partner_id, message_id, phone, answer):
            return uow.sms.answer(partner_id, message_id)  # a concurrent delivery answered first
        uow.emit(sms_answered(message_id, phone, answer))
        uow.commit()
    return answer


def _answer(uow_factory, accounts, users, payments, *, key: str, scope: str, phone: str, text: str,
            now: dt.datetime | None) -> SmsAnswer:
    try:
        reading_sms = sms.parse(text)
        user_id, account = sender_account(uow_factory, accounts, users, reading_sms, phone=phone, scope=scope)
        meter, values = sms.zone_values(account.meters, reading_sms.values)
    except replies.Refused as refused:
        return refused.answer
    try:
        reading = submission.submit_reading(
            uow_factory(), accounts, user_id=user_id, account_id=account.account_id, meter_id=meter.meter_id,
            values=values, idempotency_key=key, source=SMS, now=now, account=account)
    except (InvalidInput, Rejected) as exc:
        return SmsAnswer(outcome=exc.code, reply=_refusal(uow_factory, account, exc.code))
    return SmsAnswer(outcome=replies.ACCEPTED, reply=replies.accepted(reading.values, _charge(payments, account,
                     meter, reading)), reading_id=reading.reading_id)


def sender_account(uow_factory, accounts: FinderPort, users: UsersPort, reading_sms: sms.SmsReading, *, phone: str,
                   scope: str = "") -> tuple[str, model.AccountFacts]:
    """(the sender's user id, the account) when the SMS names an account bound to the cabinet whose verified phone
    sent it; the one not-found answer in every other case (unknown code or account, unverified or foreign phone,
    another supplier than the gateway's)."""
    not_found = replies.Refused(replies.NOT_FOUND, replies.NOT_FOUND_TEXT)
    with uow_factory() as uow:
        supplier_id = uow.sms.supplier_by_code(reading_sms.supplier_code)
    if supplier_id is None or (scope and supplier_id.lower() != scope):
        raise not_found
    account_id = _find(accounts, reading_sms.account_numbers, supplier_id)
    if account_id is None:
        raise not_found
    try:
        user_id = users.user_by_phone(phone)
    except NotFound:
        raise not_found from None
    with uow_factory() as uow:
        account = uow.accounts.allowed_facts(user_id, account_id)
    if account is None:
        raise not_found
    return user_id, account


def _find(accounts: FinderPort, numbers: tuple[str, ...], supplier_id: str) -> str | None:
    for number in numbers:
        try:
            return accounts.find(number, supplier_id)
        except (NotFound, InvalidInput):
            continue
    return None


def _refusal(uow_factory, account: model.AccountFacts, code: str) -> str:
    if code != "outside_window":
        return replies.refusal(code)
    with uow_factory() as uow:
        supplier = windows.supplier_or_default(account.supplier_id, uow.suppliers.get(account.supplier_id))
    return replies.outside_window(supplier.window_from_day, supplier.window_to_day)


def _charge(payments: PaymentsPort, account: model.AccountFacts, meter: model.Meter,
            reading: model.Reading) -> int | None:
    """The preliminary charge payments would post for the reading (as a public reading's); None when it cannot
    say now — the reading stays accepted."""
    try:
        return payments.preview_charge(supplier_id=account.supplier_id, category=account.category, ratio=meter.ratio,
                                       consumption=reading.consumption, as_of=reading.taken_at).amount_kop
    except DomainError as exc:
        log.info("sms reading %s: no preliminary charge (%s)", reading.reading_id, exc.code)
        return None
