"""The accounts gRPC API."""

from __future__ import annotations

import datetime as dt

from kabinet.accounts.v1 import accounts_pb2 as pb
from kabinet.accounts.v1 import accounts_pb2_grpc as pb_grpc

from kit.context import require_caller
from kit.errors import InvalidInput
from services.accounts.service_layer import handlers
from services.accounts.service_layer.messages import to_pb


class AccountsServicer(pb_grpc.AccountsServicer):
    def __init__(self, uow_factory) -> None:
        self.uow = uow_factory

    def BindAccount(self, request, context):
        user = require_caller()
        proof = request.WhichOneof("proof")
        kwargs: dict = {}
        if proof == "last_payment":
            try:
                kwargs["paid_on"] = dt.date.fromisoformat(request.last_payment.date)
            except ValueError:
                raise InvalidInput(fields={"last_payment.date": "Укажите дату в формате ГГГГ-ММ-ДД."}) from None
            kwargs["amount_kop"] = request.last_payment.amount_kop
        elif proof == "meter_number":
            kwargs["meter_number"] = request.meter_number
        else:
            raise InvalidInput("Подтвердите счёт датой и суммой последней оплаты или номером счётчика.",
                               code="proof_required")
        card = handlers.bind_account(self.uow(), user_id=user.user_id, number=request.number,
                                     supplier_id=request.supplier_id or None, alias=request.alias, **kwargs)
        return to_pb(card)

    def ListMyAccounts(self, request, context):
        user = require_caller()
        return pb.ListMyAccountsReply(accounts=[to_pb(c) for c in handlers.my_accounts(self.uow(), user.user_id)])

    def GetAccount(self, request, context):
        return to_pb(handlers.account_for(self.uow(), require_caller().user_id, request.account_id))

    def CheckAccess(self, request, context):
        card = handlers.account_for(self.uow(), require_caller().user_id, request.account_id)
        return pb.CheckAccessReply(account=to_pb(card))
