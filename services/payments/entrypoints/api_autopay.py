"""Saved cards and autopay settings: protobuf in, use case, protobuf out.

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts, self.auth, self.provider,
self.test_clock)."""

from __future__ import annotations

import datetime as dt

from kabinet.payments.v1 import payments_pb2 as pb

from kit.clock import parse_instant
from kit.context import require_caller
from services.payments.domain.autopay import AutopayRun, Card, Settings
from services.payments.service_layer import autopay, cards
from services.payments.service_layer.master_data import WRITERS, audit, staff_member


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AutopayRpcs:
    def ListCards(self, request, context):
        return pb.ListCardsReply(cards=[card_to_pb(c) for c in cards.list_cards(
            self.uow(), user_id=require_caller().user_id)])

    def DeleteCard(self, request, context):
        switched_off = cards.delete_card(self.uow(), user_id=require_caller().user_id, card_id=request.card_id,
                                         now=_now())
        return pb.DeleteCardReply(autopays_switched_off=switched_off)

    def GetAutopay(self, request, context):
        return state_to_pb(autopay.get_autopay(self.uow(), self.accounts, user_id=require_caller().user_id,
                                               account_id=request.account_id, now=_now()))

    def PutAutopay(self, request, context):
        s = request.settings
        settings = Settings(card_id=s.card_id, day=s.day, mode=s.mode, amount_kop=s.amount_kop, cap_kop=s.cap_kop)
        return state_to_pb(autopay.put_autopay(self.uow(), self.accounts, self.auth, caller=require_caller(),
                                               account_id=request.account_id, settings=settings, now=_now()))

    def DeleteAutopay(self, request, context):
        return state_to_pb(autopay.delete_autopay(self.uow(), self.accounts, user_id=require_caller().user_id,
                                                  account_id=request.account_id, now=_now()))

    def ConfirmAutopay(self, request, context):
        return state_to_pb(autopay.confirm_autopay(self.uow(), token=request.token, now=_now()))

    def StaffRunAutopay(self, request, context):
        staff = staff_member(require_caller(), WRITERS)
        now = _now()
        if request.as_of and self.test_clock:
            now = parse_instant(request.as_of)
        counts = autopay.run(self.uow, self.provider, now=now)
        with self.uow() as uow:
            audit(uow, staff, "autopay.run", "autopay", after={"as_of": now.isoformat(), **vars(counts)})
            uow.commit()
        return pb.StaffRunAutopayReply(paid=counts.paid, skipped=counts.skipped, retrying=counts.retrying,
                                       failed=counts.failed, as_of=now.isoformat())


def card_to_pb(card: Card) -> pb.SavedCard:
    return pb.SavedCard(card_id=card.card_id, title=card.title, last4=card.last4, first6=card.first6,
                        expiry_month=card.expiry_month, expiry_year=card.expiry_year, card_type=card.card_type)


def settings_to_pb(s: Settings) -> pb.AutopaySettings:
    return pb.AutopaySettings(card_id=s.card_id, day=s.day, mode=s.mode, amount_kop=s.amount_kop, cap_kop=s.cap_kop)


def charge_to_pb(run: AutopayRun) -> pb.AutopayCharge:
    return pb.AutopayCharge(period=f"{run.period:%Y-%m}", status=run.status, attempt=run.attempt,
                            energy_kop=run.energy_kop, penalties_kop=run.penalties_kop,
                            payment_id=run.payment_id or "", reason=run.reason)


def state_to_pb(view: autopay.AutopayView) -> pb.AutopayState:
    state = pb.AutopayState(account_id=view.account_id, charges=[charge_to_pb(r) for r in view.charges])
    if view.autopay is not None:
        state.enabled = view.autopay.enabled
        state.off_reason = view.autopay.off_reason
        state.settings.CopyFrom(settings_to_pb(view.autopay.settings))
    if view.pending is not None:
        state.pending.CopyFrom(settings_to_pb(view.pending))
    if view.card is not None:
        state.card.CopyFrom(card_to_pb(view.card))
    return state
