"""gRPC method of the payments API for the dashboard: GetAccountSummaries (the balance and the newest charge of
several of the caller's accounts in one call): protobuf in, use case, protobuf out.

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts)."""

from __future__ import annotations

import datetime as dt

from kabinet.payments.v1 import payments_pb2 as pb

from kit.context import require_caller
from services.payments.entrypoints.api_ledger import account_balance_to_pb
from services.payments.service_layer import summaries


class SummaryRpcs:
    def GetAccountSummaries(self, request, context):
        from services.payments.entrypoints.api import charge_to_pb  # the servicer's module imports this one

        found = summaries.account_summaries(self.uow(), self.accounts, user_id=require_caller().user_id,
                                            account_ids=list(request.account_ids), now=dt.datetime.now(dt.UTC))
        return pb.GetAccountSummariesReply(accounts=[
            pb.AccountSummary(account_id=s.account_id, balance=account_balance_to_pb(s.balance),
                              last_charge=charge_to_pb(s.last_charge) if s.last_charge else None)
            for s in found])
