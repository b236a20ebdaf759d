"""Card payments through the provider: create (cabinet, public), status, history, receipts, notifications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kabinet.payments.v1 import payments_pb2 as pb

from kit.context import require_caller
from services.payments.domain.card_payments import STATUS_TEXT, AccountAmounts, PaymentView
from services.payments.domain.terminal import TerminalView
from services.payments.service_layer import card_payments, payment_history, terminal


@dataclass(frozen=True)
class CardSettings:
    """What the card payment RPCs need of the configuration (services/payments/config.py)."""

    public_url: str
    vat_code: int
    networks: tuple[str, ...]

    @classmethod
    def of(cls, config) -> CardSettings:
        return cls(public_url=config.public_url, vat_code=config.receipt_vat_code,
                   networks=config.notification_networks)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CardPaymentRpcs:
    """Mixed into PaymentsServicer (self.uow, self.accounts, self.provider, self.card_settings)."""

    def CreatePayment(self, request, context):
        user = require_caller()
        view = card_payments.create_payment(
            self.uow(), self.provider, self.accounts, user_id=user.user_id,
            lines=[AccountAmounts(i.account_id, i.energy_kop, i.penalties_kop) for i in request.items],
            save_card=request.save_card, return_path=request.return_path, email=request.receipt.email,
            phone=request.receipt.phone, idempotency_key=request.idempotency_key,
            public_url=self.card_settings.public_url, vat_code=self.card_settings.vat_code, now=_now())
        return payment_to_pb(view)

    def GetPayment(self, request, context):
        return payment_to_pb(card_payments.get_payment(self.uow(), user_id=require_caller().user_id,
                                                       payment_id=request.payment_id))

    def ListPayments(self, request, context):
        entries, token = payment_history.list_payments(
            self.uow(), self.accounts, user_id=require_caller().user_id, account_id=request.account_id,
            page_size_=request.page_size, page_token=request.page_token)
        return pb.ListPaymentsReply(payments=[history_to_pb(e) for e in entries], next_page_token=token)

    def GetReceiptPdf(self, request, context):
        filename, content = payment_history.receipt_pdf(self.uow(), self.provider, user_id=require_caller().user_id,
                                                        payment_id=request.payment_id,
                                                        vat_code=self.card_settings.vat_code)
        return pb.FileReply(filename=filename, content_type="application/pdf", content=content)

    def GetPublicAccount(self, request, context):
        return terminal_to_pb(terminal.terminal_view(self.uow(), self.accounts, number=request.number,
                                                     supplier_id=request.supplier_id, now=_now()))

    def CreatePublicPayment(self, request, context):
        view = card_payments.create_public_payment(
            self.uow(), self.provider, self.accounts, number=request.number, supplier_id=request.supplier_id,
            energy_kop=request.energy_kop, penalties_kop=request.penalties_kop, return_path=request.return_path,
            email=request.receipt.email, phone=request.receipt.phone, idempotency_key=request.idempotency_key,
            public_url=self.card_settings.public_url, vat_code=self.card_settings.vat_code, now=_now())
        return payment_to_pb(view, public=True)

    def HandleProviderNotification(self, request, context):
        notification_id = card_payments.receive_notification(
            self.uow(), provider=request.provider, body=request.body, source_ip=request.source_ip,
            networks=self.card_settings.networks)
        return pb.ProviderNotificationReply(notification_id=notification_id)

    def GetPaymentAvailability(self, request, context):
        state = self.provider.availability()
        return pb.PaymentAvailability(available=state.available, message=state.message)

    def StaffRefundPayment(self, request, context):
        refund = card_payments.refund_payment(
            self.uow(), self.provider, require_caller(), payment_id=request.payment_id,
            account_id=request.account_id, bucket=request.bucket, amount_kop=request.amount_kop,
            reason=request.reason, idempotency_key=request.idempotency_key, vat_code=self.card_settings.vat_code,
            now=_now())
        msg = pb.CardRefund(**{k: v for k, v in refund.items() if k != "created_at"})
        msg.created_at.FromDatetime(refund["created_at"])
        return msg


def payment_to_pb(view: PaymentView, *, public: bool = False) -> pb.CardPayment:
    msg = pb.CardPayment(
        payment_id=view.payment_id, status=view.status, status_text=view.status_text, channel=view.channel,
        amount_kop=view.amount_kop, confirmation_url=view.confirmation_url if view.status == "pending" else "",
        cancel_reason=view.cancel_reason, cancel_message=view.cancel_message, card=view.card,
        refunded_kop=view.refunded_kop, provider_payment_id=view.provider_payment_id,
        items=[pb.CardPaymentItem(account_id="" if public else i.account_id, bucket=i.bucket, amount_kop=i.amount_kop,
                                  account_number=view.numbers.get(i.account_id, "")) for i in view.items])
    msg.created_at.FromDatetime(view.created_at)
    if view.succeeded_at:
        msg.succeeded_at.FromDatetime(view.succeeded_at)
    return msg


def history_to_pb(entry: dict) -> pb.PaymentHistoryEntry:
    msg = pb.PaymentHistoryEntry(
        id=entry["id"], source=entry["source"], channel=entry["channel"] or "", status=entry["status"],
        status_text=STATUS_TEXT.get(entry["status"], ""), kind=entry["kind"], amount_kop=entry["amount_kop"],
        description=entry["description"] or "", cancel_message=entry["cancel_message"] or "",
        receipt_available=entry["receipt_available"],
        items=[pb.CardPaymentItem(**item) for item in entry["items"]])
    msg.at.FromDatetime(entry["at"])
    return msg


def terminal_to_pb(view: TerminalView) -> pb.PublicAccount:
    return pb.PublicAccount(account_id=view.account_id, supplier_id=view.supplier_id, number=view.number,
                            holder_masked=view.holder_masked, address_part=view.address_part,
                            amount_due_energy_kop=view.amount_due_energy_kop,
                            amount_due_penalties_kop=view.amount_due_penalties_kop,
                            amount_due_kop=view.amount_due_kop)
