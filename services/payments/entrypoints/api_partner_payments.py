"""Partners' payments (check, pay, status, cancel), bank registries and the reconciliation report: protobuf in,
use case, protobuf out."""

from __future__ import annotations

import datetime as dt

from kabinet.payments.v1 import payments_pb2 as pb

from kit.context import require_caller
from services.payments.domain.bank_registry import BankRegistry, ReconciliationLine
from services.payments.domain.partner_payments import PartnerPayment
from services.payments.service_layer import bank_registries, partner_payments

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PartnerPaymentRpcs:
    """Mixed into PaymentsServicer (self.uow, self.accounts)."""

    def PartnerCheck(self, request, context):
        view = partner_payments.check(self.uow(), self.accounts, require_caller(),
                                      account_number=request.account_number, supplier_id=request.supplier_id,
                                      now=_now())
        return pb.PartnerCheckReply(
            account_number=view.number, supplier_id=view.supplier_id, holder_masked=view.holder_masked,
            address_part=view.address_part, amount_due_kop=view.amount_due_kop,
            amount_due_energy_kop=view.amount_due_energy_kop, amount_due_penalties_kop=view.amount_due_penalties_kop)

    def PartnerPay(self, request, context):
        return partner_payment_pb(partner_payments.pay(
            self.uow(), self.accounts, require_caller(), txn_id=request.txn_id, account_number=request.account_number,
            supplier_id=request.supplier_id, amount_kop=request.amount_kop, penalties_kop=request.penalties_kop,
            paid_at=request.paid_at, now=_now()))

    def PartnerGetPayment(self, request, context):
        return partner_payment_pb(partner_payments.get_payment(self.uow(), require_caller(), txn_id=request.txn_id))

    def PartnerCancel(self, request, context):
        return partner_payment_pb(partner_payments.cancel(self.uow(), require_caller(), txn_id=request.txn_id,
                                                          now=_now()))

    def ImportBankRegistry(self, request, context):
        return bank_registry_pb(bank_registries.import_registry(
            self.uow(), self.accounts, require_caller(), content=request.content, supplier_id=request.supplier_id,
            partner_id=request.partner_id, now=_now()))

    def StaffListBankRegistries(self, request, context):
        found = bank_registries.list_registries(
            self.uow(), require_caller(), partner_id=request.partner_id, supplier_id=request.supplier_id,
            registry_date=request.registry_date, limit=request.limit)
        return pb.StaffListBankRegistriesReply(registries=[bank_registry_pb(r) for r in found])

    def StaffGetReconciliation(self, request, context):
        registry, lines, truncated = bank_registries.reconciliation(
            self.uow(), require_caller(), registry_id=request.registry_id, outcome=request.outcome,
            limit=request.limit)
        return pb.Reconciliation(registry=bank_registry_pb(registry), lines=[line_pb(x) for x in lines],
                                 truncated=truncated)

    def StaffExportReconciliation(self, request, context):
        filename, content = bank_registries.export_reconciliation(self.uow(), require_caller(),
                                                                  registry_id=request.registry_id)
        return pb.FileReply(filename=filename, content_type=XLSX, content=content)


def partner_payment_pb(p: PartnerPayment) -> pb.PartnerPayment:
    msg = pb.PartnerPayment(txn_id=p.txn_id, payment_id=p.payment_id, status=p.status,
                            account_number=p.account_number, supplier_id=p.supplier_id, amount_kop=p.amount_kop,
                            energy_kop=p.energy_kop, penalties_kop=p.penalties_kop, channel=p.channel,
                            replayed=p.replayed)
    msg.paid_at.FromDatetime(p.paid_at)
    msg.posted_at.FromDatetime(p.posted_at)
    if p.canceled_at is not None:
        msg.canceled_at.FromDatetime(p.canceled_at)
    return msg


def bank_registry_pb(r: BankRegistry) -> pb.BankRegistry:
    msg = pb.BankRegistry(
        registry_id=r.registry_id, partner_id=r.partner_id, supplier_id=r.supplier_id, source=r.source,
        uploaded_by=r.uploaded_by, registry_date=r.registry_date.isoformat(), sha256=r.sha256, rows=r.rows,
        total_kop=r.total_kop, status=r.status, matched=r.matched, missing_in_ledger=r.missing_in_ledger,
        posted=r.posted, missing_in_registry=r.missing_in_registry, amount_mismatch=r.amount_mismatch,
        matched_kop=r.matched_kop, posted_kop=r.posted_kop, replayed=r.replayed)
    if r.created_at is not None:
        msg.created_at.FromDatetime(r.created_at)
    return msg


def line_pb(x: ReconciliationLine) -> pb.ReconciliationLine:
    return pb.ReconciliationLine(outcome=x.outcome, line=x.line, txn_id=x.txn_id, account_number=x.account_number,
                                 registry_kop=x.registry_kop, ledger_kop=x.ledger_kop, paid_on=x.paid_on.isoformat(),
                                 action=x.action, note=x.note)
