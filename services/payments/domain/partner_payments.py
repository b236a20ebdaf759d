"""Платёжные агенты: a bank's or a terminal's payment of an account (*pay*), its status and its *cancel*.
Plain rules: what a pay request may say, how its amount is split into buckets, when the same transaction id
is the same payment again, and until when a payment may be canceled."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from kabinet_vocabulary import PAYMENT_CHANNEL, PAYMENT_STATUS

from kit.errors import Conflict, DomainError, InvalidInput
from kit.ids import is_uuid
from services.payments.domain.model import ENERGY, PENALTIES

PAYMENT_AGENTS = ("payment_agent", "bank")  # the partner kinds (their role) that check, pay, post registries
SUCCEEDED, CANCELED = PAYMENT_STATUS.SUCCEEDED, PAYMENT_STATUS.CANCELED
BANK, REGISTRY = PAYMENT_CHANNEL.BANK, PAYMENT_CHANNEL.REGISTRY
TXN_ID = re.compile(r"[0-9A-Za-z_\-.:]{1,64}")  # no "/": it is a path segment of status and cancel
MAX_AMOUNT_KOP = 10_000_000_000  # 100 million roubles: far above a utility payment, below a typo in kopecks
FUTURE_SKEW = dt.timedelta(minutes=5)  # a payer's clock may be ahead; "paid tomorrow" is a mistake
ACCOUNT_NUMBER_MAX = 60


class CancelTooLate(DomainError):
    status = "FAILED_PRECONDITION"
    code = "cancel_too_late"
    message = "Платёж можно отменить только в день его проведения."


def txn_id_problem(txn_id: str) -> str | None:
    """The partner's transaction id: 1–64 Latin letters, digits and - _ . :"""
    if not TXN_ID.fullmatch(txn_id or ""):
        return "Идентификатор операции: от 1 до 64 латинских букв, цифр и символов - _ . :"
    return None


def split(amount_kop: int, penalties_kop: int = 0) -> dict[str, int]:
    """A partner sends one amount: it pays energy, unless the partner names a part of it for penalties (пени
    are never paid from a partner's payment unasked). Buckets with nothing are left out."""
    buckets = {ENERGY: amount_kop - penalties_kop, PENALTIES: penalties_kop}
    return {bucket: kop for bucket, kop in buckets.items() if kop > 0}


@dataclass(frozen=True)
class PayRequest:
    """A checked *pay*: the partner's txn id, the account as the partner names it, the amounts, when paid."""

    txn_id: str
    account_number: str
    supplier_id: str
    amount_kop: int
    penalties_kop: int
    paid_at: dt.datetime | None  # None: now
    request_hash: str  # of what the partner sent: the same txn id again must send the same

    @property
    def energy_kop(self) -> int:
        return self.amount_kop - self.penalties_kop


def pay_request(*, txn_id: str, account_number: str, supplier_id: str, amount_kop: int, penalties_kop: int,
                paid_at: str, now: dt.datetime) -> PayRequest:
    """The partner's request, every problem reported at once (`invalid_payment`, by field)."""
    problems: dict[str, str] = {}
    if problem := txn_id_problem(txn_id):
        problems["txn_id"] = problem
    number = (account_number or "").strip()
    if not number or len(number) > ACCOUNT_NUMBER_MAX:
        problems["account_number"] = "Укажите номер лицевого счёта."
    if not is_uuid(supplier_id):
        problems["supplier_id"] = "Укажите идентификатор поставщика."
    if not 0 < amount_kop <= MAX_AMOUNT_KOP:
        problems["amount_kop"] = "Сумма — целое число копеек больше нуля и не больше 100 млн ₽."
    if not 0 <= penalties_kop <= max(amount_kop, 0):
        problems["penalties_kop"] = "Часть на пени — от нуля до суммы платежа."
    moment = None
    if paid_at:
        moment = parse_moment(paid_at)
        if moment is None:
            problems["paid_at"] = "Время оплаты — ISO 8601 со смещением, например 2026-12-03T10:15:00+03:00."
        elif moment > now + FUTURE_SKEW:
            problems["paid_at"] = "Время оплаты не может быть в будущем."
    if problems:
        raise InvalidInput("Проверьте данные платежа.", code="invalid_payment", fields=problems)
    digest = hashlib.sha256("\0".join((number, supplier_id.lower(), str(amount_kop), str(penalties_kop),
                                       paid_at or "")).encode()).hexdigest()
    return PayRequest(txn_id=txn_id, account_number=number, supplier_id=supplier_id.lower(), amount_kop=amount_kop,
                      penalties_kop=penalties_kop, paid_at=moment, request_hash=digest)


def parse_moment(text: str) -> dt.datetime | None:
    """An ISO 8601 moment with its offset; None otherwise (a moment without an offset means nothing)."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@dataclass(frozen=True)
class PartnerPayment:
    """A partner's payment as booked: once per partner and txn id."""

    payment_id: str
    partner_id: str
    txn_id: str
    supplier_id: str
    account_id: str
    account_number: str
    amount_kop: int
    energy_kop: int
    penalties_kop: int
    paid_at: dt.datetime
    paid_on: dt.date  # paid_at's date in the supplier's zone
    posted_at: dt.datetime
    status: str = SUCCEEDED
    channel: str = BANK
    request_hash: str = ""
    canceled_at: dt.datetime | None = None
    entry_ids: tuple[str, ...] = ()
    cancel_entry_ids: tuple[str, ...] = ()
    registry_id: str | None = None
    replayed: bool = field(default=False, compare=False)  # this answer repeats an earlier one


def same_request(known: PartnerPayment, request: PayRequest) -> PartnerPayment:
    """The same txn id again: the same request gets the first answer; any other is a conflict (never a second
    payment, never an edit). A payment first posted from the bank's registry has no request to compare: a *pay*
    of the same account number and amount (all of it for energy) is that payment."""
    if known.channel == REGISTRY:
        same = (known.account_number, known.amount_kop, request.penalties_kop) == (
            request.account_number, request.amount_kop, 0)
    else:
        same = known.request_hash == request.request_hash
    if not same:
        raise Conflict("Операция с этим идентификатором уже проведена с другими данными.",
                       code="transaction_conflict", fields={"txn_id": "Идентификатор операции уже использован."})
    return known


def ensure_cancellable(payment: PartnerPayment, *, now: dt.datetime, zone: dt.tzinfo) -> None:
    """Отмена — only on the day the payment was accepted, in the supplier's time zone (after that the day's
    registry has it: a correction is the bank's refund, not a cancel)."""
    if payment.posted_at.astimezone(zone).date() != now.astimezone(zone).date():
        raise CancelTooLate()


def external_id(partner_id: str, txn_id: str, bucket: str, *, cancel: bool = False) -> str:
    """The ledger's outside-fact id of a partner payment's entry (or of its cancel's refund), per bucket: the
    same txn id can never be booked twice, whether it came by *pay* or by a registry row."""
    base = f"partner:{partner_id}:{txn_id}"
    return base + (":cancel" if cancel else "") + ("" if bucket == ENERGY else f":{bucket}")
