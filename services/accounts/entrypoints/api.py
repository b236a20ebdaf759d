"""The accounts gRPC API."""

from __future__ import annotations

import datetime as dt

from kabinet.accounts.v1 import accounts_pb2 as pb
from kabinet.accounts.v1 import accounts_pb2_grpc as pb_grpc

from kit.context import require_caller
from kit.errors import InvalidInput
from services.accounts.domain.model import AccountCard
from services.accounts.service_layer import handlers


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


def to_pb(card: AccountCard) -> pb.Account:
    return pb.Account(
        account_id=card.account_id, number=card.number, supplier_id=card.supplier_id,
        supplier_name=card.supplier_name, address=card.address, holder=card.holder, category=card.category,
        automatic_metering=card.automatic_metering, alias=card.alias, group_id=card.group_id,
        group_name=card.group_name,
        meters=[pb.Meter(meter_id=m.meter_id, number=m.number, model=m.model, zones=m.zones, digits=m.digits,
                         ratio=m.ratio) for m in card.meters],
    )
