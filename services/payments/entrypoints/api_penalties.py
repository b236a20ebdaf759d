"""gRPC methods of the payments API, staff: key rates, moratoria, StaffAccruePenalties: protobuf in, use case,
protobuf out.

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts, self.test_clock)."""

from __future__ import annotations

import datetime as dt

from kabinet.payments.v1 import payments_pb2 as pb

from kit.context import require_caller
from services.payments.domain.penalties import KeyRate, Moratorium
from services.payments.service_layer import penalties


class PenaltyRpcs:
    def StaffListKeyRates(self, request, context):
        return pb.StaffListKeyRatesReply(rates=[
            key_rate_to_pb(r) for r in penalties.list_key_rates(self.uow(), require_caller())])

    def StaffSetKeyRate(self, request, context):
        return key_rate_to_pb(penalties.set_key_rate(self.uow(), require_caller(), valid_from=request.valid_from,
                                                     rate_percent=request.rate_percent))

    def StaffListMoratoria(self, request, context):
        return pb.StaffListMoratoriaReply(moratoria=[
            moratorium_to_pb(m) for m in penalties.list_moratoria(self.uow(), require_caller())])

    def StaffSetMoratorium(self, request, context):
        return moratorium_to_pb(penalties.set_moratorium(
            self.uow(), require_caller(), moratorium_id=request.moratorium_id, valid_from=request.valid_from,
            valid_until=request.valid_until, title=request.title))

    def StaffAccruePenalties(self, request, context):
        done = penalties.accrue_penalties(self.uow, require_caller(), through=request.through,
                                          supplier_id=request.supplier_id, now=dt.datetime.now(dt.UTC),
                                          test_clock=getattr(self, "test_clock", False))
        return pb.StaffAccruePenaltiesReply(accruals=done.accruals, amount_kop=done.amount_kop,
                                            through=done.through.isoformat())


def key_rate_to_pb(rate: KeyRate) -> pb.KeyRate:
    return pb.KeyRate(valid_from=rate.valid_from.isoformat(), rate_percent=f"{rate.rate_percent.normalize():f}")


def moratorium_to_pb(m: Moratorium) -> pb.Moratorium:
    return pb.Moratorium(moratorium_id=m.moratorium_id, valid_from=m.valid_from.isoformat(),
                         valid_until=m.valid_until.isoformat(), title=m.title)
