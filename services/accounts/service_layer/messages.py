"""Domain objects -> contract messages (gRPC replies and event payloads)."""

from __future__ import annotations

from kabinet.accounts.v1 import accounts_pb2 as pb

from services.accounts.domain.model import AccountCard


def to_pb(card: AccountCard) -> pb.Account:
    return pb.Account(
        account_id=card.account_id, number=card.number, supplier_id=card.supplier_id,
        supplier_name=card.supplier_name, address=card.address, holder=card.holder, category=card.category,
        automatic_metering=card.automatic_metering, alias=card.alias, group_id=card.group_id,
        group_name=card.group_name,
        meters=[pb.Meter(meter_id=m.meter_id, number=m.number, model=m.model, zones=m.zones, digits=m.digits,
                         ratio=m.ratio) for m in card.meters],
    )
