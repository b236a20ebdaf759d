"""gRPC methods of the payments API, customer: ListLedger (issue 9, the ledger and balance): protobuf in, use
case, protobuf out; and the Balance message with its buckets, due date and overdue debt (GetBalance).

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts)."""

from __future__ import annotations

from kabinet.payments.v1 import payments_pb2 as pb

from kit.context import require_caller
from services.payments.domain.ledger import AccountBalance, description
from services.payments.domain.model import LedgerEntry
from services.payments.service_layer import ledger


class LedgerRpcs:
    def ListChargedByPeriod(self, request, context):
        charged = ledger.charged_by_period(self.uow(), self.accounts, user_id=require_caller().user_id,
                                           account_id=request.account_id, since=request.since)
        return pb.ListChargedByPeriodReply(periods=[
            pb.PeriodCharged(period=period.strftime("%Y-%m"), charged_kop=kop) for period, kop in charged.items()])

    def ListLedger(self, request, context):
        user = require_caller()
        page = ledger.list_ledger(self.uow(), self.accounts, user_id=user.user_id, account_id=request.account_id,
                                  period=request.period, page_size=request.page_size,
                                  page_token=request.page_token)
        return pb.ListLedgerReply(entries=[entry_to_pb(e) for e in page.entries], next_page_token=page.next_token)


def entry_to_pb(entry: LedgerEntry) -> pb.LedgerEntry:
    msg = pb.LedgerEntry(
        entry_id=entry.entry_id, kind=entry.kind, bucket=entry.bucket, amount_kop=entry.amount_kop,
        period=entry.period.strftime("%Y-%m") if entry.period else "",
        due_on=entry.due_on.isoformat() if entry.due_on and entry.amount_kop < 0 else "",  # a debt's, effective
        channel=entry.channel or "", charge_id=entry.charge_id or "", description=description(entry))
    msg.posted_at.FromDatetime(entry.posted_at)
    return msg


def account_balance_to_pb(balance: AccountBalance) -> pb.Balance:
    return pb.Balance(
        account_id=balance.account_id, balance_kop=balance.balance_kop, state=balance.state,
        amount_due_kop=balance.amount_due_kop, energy_kop=balance.energy_kop, penalties_kop=balance.penalties_kop,
        amount_due_energy_kop=balance.amount_due_energy_kop,
        amount_due_penalties_kop=balance.amount_due_penalties_kop, overdue_kop=balance.overdue_kop,
        due_on=balance.due_on.isoformat() if balance.due_on else "",
        overdue_since=balance.overdue_since.isoformat() if balance.overdue_since else "")
