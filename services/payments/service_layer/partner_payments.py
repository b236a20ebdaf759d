"""The payment-agent protocol (банки, терминалы): *check* an account, *pay* it once per transaction id, the
payment's *status*, and *cancel* on the day it was accepted. Every payment reaches the ledger through
money_in.post_payment (channel "bank"; a registry's new row: "registry")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from kit.context import Caller
from kit.errors import Forbidden, InvalidInput, NotFound
from kit.ids import is_uuid
from services.payments.domain import partner_payments as rules
from services.payments.domain.model import REFUND, supplier_zone
from services.payments.domain.partner_payments import BANK, CANCELED, PartnerPayment
from services.payments.service_layer.accounts import AccountsPort
from services.payments.service_layer.money_in import post_payment
from services.payments.service_layer.terminal import terminal_view

SUPPLIER_ROLE = "supplier:"  # a partner scoped to one supplier carries the role "supplier:<id>"
DESCRIPTIONS = {BANK: "Оплата через банк", "registry": "Оплата через банк (по реестру)"}
CANCEL_DESCRIPTION = "Отмена платежа банком"


def payment_agent(caller: Caller) -> str:
    """The partner id of a payment agent (a partner of kind payment_agent or bank: terminals and banks speak the
    same protocol); `partner_only` otherwise (an SMS gateway, a customer, staff)."""
    if caller.kind != "partner" or not set(rules.PAYMENT_AGENTS) & set(caller.roles):
        raise Forbidden("Доступно только платёжным агентам.", code="partner_only")
    return caller.user_id


def partner_supplier(caller: Caller, supplier_id: str) -> str:
    """The supplier a partner's request is for: a partner scoped to one supplier may name only it (or none)."""
    scoped = next((r.removeprefix(SUPPLIER_ROLE) for r in caller.roles if r.startswith(SUPPLIER_ROLE)), "")
    if scoped and supplier_id and supplier_id.lower() != scoped.lower():
        raise Forbidden("Партнёр работает только со своим поставщиком.", code="partner_only")
    return (supplier_id or scoped).lower()


def check(uow, accounts: AccountsPort, caller: Caller, *, account_number: str, supplier_id: str, now: dt.datetime):
    """*check*: what a pay terminal shows of the account (service_layer/terminal.py) and nothing else."""
    payment_agent(caller)
    supplier_id = partner_supplier(caller, supplier_id)
    problems = {}
    if not (account_number or "").strip():
        problems["account_number"] = "Укажите номер лицевого счёта."
    if not is_uuid(supplier_id):
        problems["supplier_id"] = "Укажите идентификатор поставщика."
    if problems:
        raise InvalidInput(fields=problems)
    return terminal_view(uow, accounts, number=account_number.strip(), supplier_id=supplier_id, now=now)


def pay(uow, accounts: AccountsPort, caller: Caller, *, txn_id: str, account_number: str, supplier_id: str,
        amount_kop: int, penalties_kop: int = 0, paid_at: str = "", now: dt.datetime) -> PartnerPayment:
    """*pay*: booked once per partner and txn id; the same request again gets the first answer (replayed),
    another with that txn id is `transaction_conflict`."""
    partner_id = payment_agent(caller)
    request = rules.pay_request(txn_id=txn_id, account_number=account_number,
                                supplier_id=partner_supplier(caller, supplier_id), amount_kop=amount_kop,
                                penalties_kop=penalties_kop, paid_at=paid_at, now=now)
    with uow:
        known = uow.partner_payments.get(partner_id, request.txn_id)
        if known is not None:
            return dataclasses.replace(rules.same_request(known, request), replayed=True)
        account_id = uow.partner_payments.account_ids(request.supplier_id, [request.account_number]).get(
            request.account_number)
        if account_id is not None:
            return _accept(uow, partner_id, request, account_id, now)
    account_id = accounts.find(request.account_number, request.supplier_id)  # accounts' number rule: a call
    with uow:
        return _accept(uow, partner_id, request, account_id, now)


def _accept(uow, partner_id: str, request: rules.PayRequest, account_id: str, now: dt.datetime) -> PartnerPayment:
    """A new payment booked and committed in the caller's transaction; when a concurrent *pay* of the same txn id
    won the insert, the answer is that of a retry."""
    zone = supplier_zone(uow.suppliers.get(request.supplier_id))
    moment = request.paid_at or now
    payment = PartnerPayment(
        payment_id=str(uuid.uuid4()), partner_id=partner_id, txn_id=request.txn_id, supplier_id=request.supplier_id,
        account_id=account_id, account_number=request.account_number, amount_kop=request.amount_kop,
        energy_kop=request.energy_kop, penalties_kop=request.penalties_kop, paid_at=moment,
        paid_on=moment.astimezone(zone).date(), posted_at=now, channel=BANK, request_hash=request.request_hash)
    if not uow.partner_payments.add(payment):
        return dataclasses.replace(rules.same_request(uow.partner_payments.get(partner_id, request.txn_id), request),
                                   replayed=True)
    entries = book(uow, payment)
    uow.partner_payments.set_entries({payment.payment_id: entries})
    uow.commit()
    return dataclasses.replace(payment, entry_ids=tuple(entries))


def book(uow, payment: PartnerPayment) -> list[str]:
    """The payment's entries on the ledger, a bucket each (money_in.post_payment, once per external id)."""
    entries = []
    for bucket, kop in rules.split(payment.amount_kop, payment.penalties_kop).items():
        entry = post_payment(uow, account_id=payment.account_id, bucket=bucket, amount_kop=kop,
                             channel=payment.channel, external_id=rules.external_id(payment.partner_id, payment.txn_id,
                                                                                    bucket),
                             paid_on=payment.paid_on, posted_at=payment.posted_at,
                             description=DESCRIPTIONS[payment.channel])
        if entry is not None:
            entries.append(entry)
    return entries


def get_payment(uow, caller: Caller, *, txn_id: str) -> PartnerPayment:
    """*status*: one of the caller's payments by its txn id."""
    partner_id = payment_agent(caller)
    with uow:
        payment = uow.partner_payments.get(partner_id, txn_id) if txn_id else None
    if payment is None:
        raise NotFound("Платёж не найден.", code="payment_not_found")
    return payment


def cancel(uow, caller: Caller, *, txn_id: str, now: dt.datetime) -> PartnerPayment:
    """*cancel*: on the day it was accepted (the supplier's zone), a refund entry per bucket reverses the
    posting (money_in.post_payment, kind refund, its own external id); a canceled payment again is returned."""
    partner_id = payment_agent(caller)
    with uow:
        store = uow.partner_payments
        payment = store.get(partner_id, txn_id, lock=True) if txn_id else None
        if payment is None:
            raise NotFound("Платёж не найден.", code="payment_not_found")
        if payment.status == CANCELED:
            return payment
        zone = supplier_zone(uow.suppliers.get(payment.supplier_id))
        rules.ensure_cancellable(payment, now=now, zone=zone)
        refunds = [entry for bucket, kop in rules.split(payment.amount_kop, payment.penalties_kop).items()
                   if (entry := post_payment(
                       uow, account_id=payment.account_id, bucket=bucket, amount_kop=-kop, kind=REFUND,
                       channel=payment.channel, paid_on=now.astimezone(zone).date(), posted_at=now,
                       external_id=rules.external_id(partner_id, payment.txn_id, bucket, cancel=True),
                       description=CANCEL_DESCRIPTION)) is not None]
        store.cancel(payment.payment_id, canceled_at=now, entry_ids=refunds)
        uow.commit()
    return dataclasses.replace(payment, status=CANCELED, canceled_at=now, cancel_entry_ids=tuple(refunds))
