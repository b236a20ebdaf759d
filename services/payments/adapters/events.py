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
