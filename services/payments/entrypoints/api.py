"""The payments gRPC API: protobuf in, use case, protobuf out."""

from __future__ import annotations

from kabinet.payments.v1 import payments_pb2 as pb
from kabinet.payments.v1 import payments_pb2_grpc as pb_grpc

from kit.context import require_caller
from services.payments.domain.model import Balance, Charge
from services.payments.service_layer import views
from services.payments.service_layer.accounts import AccountsPort

MAX_LIMIT = 200


class PaymentsServicer(pb_grpc.PaymentsServicer):
    def __init__(self, uow_factory, accounts: AccountsPort) -> None:
        self.uow = uow_factory
        self.accounts = accounts

    def GetBalance(self, request, context):
        user = require_caller()
        return balance_to_pb(views.get_balance(self.uow(), self.accounts, user_id=user.user_id,
                                               account_id=request.account_id))

    def ListCharges(self, request, context):
        user = require_caller()
        limit = min(max(request.limit or 20, 1), MAX_LIMIT)
        charges = views.list_charges(self.uow(), self.accounts, user_id=user.user_id,
                                     account_id=request.account_id, limit=limit)
        return pb.ListChargesReply(charges=[charge_to_pb(c) for c in charges])


def balance_to_pb(balance: Balance) -> pb.Balance:
    return pb.Balance(account_id=balance.account_id, balance_kop=balance.balance_kop, state=balance.state,
                      amount_due_kop=balance.amount_due_kop)


def charge_to_pb(charge: Charge) -> pb.Charge:
    msg = pb.Charge(
        charge_id=charge.charge_id, account_id=charge.account_id, kind=charge.kind, amount_kop=charge.amount_kop,
        reading_id=charge.reading_id or "",
        lines=[pb.ChargeLine(zone=line.zone, consumption=str(line.billed_kwh),
                             price_kop_per_kwh_x100=line.price_kop_per_kwh_x100, amount_kop=line.amount_kop)
               for line in charge.lines],
    )
    msg.posted_at.FromDatetime(charge.posted_at)
    return msg
