"""What payments publishes: its facts as kabinet.payments.v1 protobuf events (for the outbox)."""

from __future__ import annotations

from kabinet.payments.v1 import payments_pb2 as pb

from kit.events import Event
from services.payments.domain.model import Balance, Charge


def charge_posted(charge: Charge, *, user_id: str, balance: Balance) -> Event:
    """payments.charge.posted: the charge, who caused it and the balance right after it."""
    return Event(type="payments.charge.posted", aggregate_id=charge.account_id, payload=pb.ChargePosted(
        charge_id=charge.charge_id, account_id=charge.account_id, kind=charge.kind, amount_kop=charge.amount_kop,
        reading_id=charge.reading_id or "", user_id=user_id, balance_kop=balance.balance_kop,
        balance_state=balance.state))


def invoice_issued(*, invoice_id: str, account_id: str, supplier_id: str, period: str, number: int,
                   amount_due_kop: int, due_on: str, account_number: str = "", bill_delivery: str = "",
                   user_ids: list[str] | tuple[str, ...] = ()) -> Event:
    """payments.invoice.issued: a квитанция of a period, its number, what is due and when (the billing run), with
    the account's number and bill delivery and the customers bound to it, so that notify needs no projection."""
    return Event(type="payments.invoice.issued", aggregate_id=account_id, payload=pb.InvoiceIssued(
        invoice_id=invoice_id, account_id=account_id, supplier_id=supplier_id, period=period, number=number,
        amount_due_kop=amount_due_kop, due_on=due_on, account_number=account_number, bill_delivery=bill_delivery,
        user_ids=list(user_ids)))


def billing_run_finished(*, run_id: str, supplier_id: str, period: str, accounts_billed: int) -> Event:
    """payments.billing_run.finished: a supplier's period is closed."""
    return Event(type="payments.billing_run.finished", aggregate_id=supplier_id, payload=pb.BillingRunFinished(
        run_id=run_id, supplier_id=supplier_id, period=period, accounts_billed=accounts_billed))


def payment_posted(entry_id: str, *, account_id: str, amount_kop: int, bucket: str, channel: str, paid_on: str,
                   balance: Balance) -> Event:
    """payments.payment.posted: money reached an account's ledger (provider, partner, bank registry, the
    master-data registry); accounts keeps the last one as a binding proof."""
    return Event(type="payments.payment.posted", aggregate_id=account_id, payload=pb.PaymentPosted(
        entry_id=entry_id, account_id=account_id, amount_kop=amount_kop, bucket=bucket, channel=channel,
        paid_on=paid_on, balance_kop=balance.balance_kop, balance_state=balance.state))


def autopay_confirmation_requested(*, user_id: str, account_id: str, account_number: str, token: str, settings,
                                   card_title: str, expires_at: str, email: str) -> Event:
    """payments.autopay.confirmation_requested: the e-mail link that makes an autopay change take effect."""
    return Event(type="payments.autopay.confirmation_requested", aggregate_id=account_id,
                 payload=pb.AutopayConfirmationRequested(
                     user_id=user_id, account_id=account_id, account_number=account_number, token=token,
                     settings=pb.AutopaySettings(card_id=settings.card_id, day=settings.day, mode=settings.mode,
                                                 amount_kop=settings.amount_kop, cap_kop=settings.cap_kop),
                     card_title=card_title, expires_at=expires_at, email=email))


def autopay_failed(*, user_id: str, account_id: str, account_number: str, period: str, amount_kop: int,
                   reason: str, attempts: int, email: str, reason_message: str) -> Event:
    """payments.autopay.failed: the month's autopay was given up after its attempts."""
    return Event(type="payments.autopay.failed", aggregate_id=account_id, payload=pb.AutopayFailed(
        user_id=user_id, account_id=account_id, account_number=account_number, period=period,
        amount_kop=amount_kop, reason=reason, attempts=attempts, email=email, reason_message=reason_message))


def debt_overdue(*, account_id: str, account_number: str, due_on: str, overdue_kop: int,
                 amount_due_kop: int) -> Event:
    """payments.debt.overdue: an energy debt due on `due_on` is still unpaid the day after (the daily accrual)."""
    return Event(type="payments.debt.overdue", aggregate_id=account_id, payload=pb.DebtOverdue(
        account_id=account_id, account_number=account_number, due_on=due_on, overdue_kop=overdue_kop,
        amount_due_kop=amount_due_kop))


def penalties_accrued(*, account_id: str, account_number: str, period: str, amount_kop: int,
                      penalties_due_kop: int) -> Event:
    """payments.penalties.accrued: a month's penalties on an account, once its last day is accrued."""
    return Event(type="payments.penalties.accrued", aggregate_id=account_id, payload=pb.PenaltiesAccrued(
        account_id=account_id, account_number=account_number, period=period, amount_kop=amount_kop,
        penalties_due_kop=penalties_due_kop))
