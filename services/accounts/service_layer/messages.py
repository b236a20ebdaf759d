"""Domain objects -> contract messages (gRPC replies and event payloads)."""

from __future__ import annotations

import datetime as dt

from kabinet.accounts.v1 import accounts_pb2 as pb

from services.accounts.domain.contracts import ContractCard
from services.accounts.domain.model import AccountCard, Group
from services.accounts.domain.requests import ServiceRequest


def to_pb(card: AccountCard) -> pb.Account:
    premise = card.premise or {}
    return pb.Account(
        account_id=card.account_id, number=card.number, supplier_id=card.supplier_id,
        supplier_name=card.supplier_name, address=card.address, holder=card.holder, category=card.category,
        automatic_metering=card.automatic_metering, alias=card.alias, group_id=card.group_id,
        group_name=card.group_name, bill_delivery=card.bill_delivery,
        premise=pb.Premise(area_m2=str(premise.get("area_m2") or ""), residents=int(premise.get("residents") or 0),
                           stove=premise.get("stove") or ""),
        meters=[pb.Meter(meter_id=m.meter_id, number=m.number, model=m.model, zones=m.zones, digits=m.digits,
                         ratio=m.ratio, verification_due=_date(m.verification_due)) for m in card.meters],
    )


def group_pb(group: Group) -> pb.Group:
    return pb.Group(group_id=group.group_id, name=group.name, is_default=group.is_default,
                    account_count=group.account_count)


def contract_pb(card: ContractCard) -> pb.Contract:
    return pb.Contract(contract_id=card.contract_id, number=card.number, supplier_id=card.supplier_id,
                       supplier_name=card.supplier_name, holder=card.holder, inn=card.inn, address=card.address,
                       emails=list(card.emails), bound_at=ts(card.bound_at))


def request_pb(req: ServiceRequest, *, staff: bool = False) -> pb.ServiceRequest:
    return pb.ServiceRequest(
        request_id=req.request_id, account_id=req.account_id, account_number=req.account_number, type=req.type,
        description=req.description, address=req.address, preferred_from=ts(req.preferred_from),
        preferred_to=ts(req.preferred_to), status=req.status, created_at=ts(req.created_at),
        updated_at=ts(req.updated_at), meter_id=req.meter_id, user_id=req.user_id if staff else "",
        history=[pb.ServiceRequestEvent(status=h.status, comment=h.comment, actor=h.actor, at=ts(h.at))
                 for h in req.history])


def ts(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else ""


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
