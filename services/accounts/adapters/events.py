"""The publisher's half of accounts' facts: each domain fact as its contract message
(protos/kabinet/accounts/v1), in the envelope the outbox relays to JetStream."""

from __future__ import annotations

import datetime as dt

from kabinet.accounts.v1 import accounts_pb2 as pb

from kit.events import Event
from services.accounts.domain import events as facts
from services.accounts.domain.model import AccountCard, MeterCard
from services.accounts.domain.suppliers import Supplier


def to_event(fact: facts.Fact) -> Event:
    match fact:
        case facts.AccountBound():
            return Event(type="accounts.account.bound", aggregate_id=fact.account_id, payload=pb.AccountBound(
                account_id=fact.account_id, user_id=fact.user_id, supplier_id=fact.supplier_id))
        case facts.AccountUnbound():
            return Event(type="accounts.account.unbound", aggregate_id=fact.account_id, payload=pb.AccountUnbound(
                account_id=fact.account_id, user_id=fact.user_id))
        case facts.AccountChanged():
            return Event(type="accounts.account.changed", aggregate_id=fact.account.account_id,
                         payload=pb.AccountChanged(account=account_facts(fact.account)))
        case facts.ContractConfirmationRequested():
            return Event(type="accounts.contract.confirmation_requested", aggregate_id=fact.contract_id,
                         payload=pb.ContractConfirmationRequested(
                             contract_id=fact.contract_id, contract_number=fact.contract_number, email=fact.email,
                             token=fact.token, expires_at=rfc3339(fact.expires_at), user_id=fact.user_id))
        case facts.ContractBound():
            return Event(type="accounts.contract.bound", aggregate_id=fact.contract_id, payload=pb.ContractBound(
                contract_id=fact.contract_id, user_id=fact.user_id, supplier_id=fact.supplier_id,
                contract_number=fact.contract_number))
        case facts.ContractUnbound():
            return Event(type="accounts.contract.unbound", aggregate_id=fact.contract_id,
                         payload=pb.ContractUnbound(contract_id=fact.contract_id, user_id=fact.user_id))
        case facts.SupplierChanged():
            return Event(type="accounts.supplier.changed", aggregate_id=fact.supplier.supplier_id,
                         payload=pb.SupplierChanged(supplier=supplier_facts(fact.supplier)))
        case facts.ServiceRequestChanged():
            req = fact.request
            return Event(type="accounts.service_request.changed", aggregate_id=req.request_id,
                         payload=pb.ServiceRequestChanged(
                             request_id=req.request_id, account_id=req.account_id,
                             account_number=req.account_number, user_id=req.user_id, type=req.type,
                             status=req.status, comment=fact.comment, at=rfc3339(fact.at)))
    raise TypeError(f"not a fact accounts publishes: {fact!r}")


def account_facts(card: AccountCard) -> pb.Account:
    """The account as every service may know it: no alias or group (those belong to a cabinet)."""
    premise = card.premise or {}
    return pb.Account(
        account_id=card.account_id, number=card.number, supplier_id=card.supplier_id,
        supplier_name=card.supplier_name, address=card.address, holder=card.holder, category=card.category,
        automatic_metering=card.automatic_metering, bill_delivery=card.bill_delivery,
        premise=pb.Premise(area_m2=str(premise.get("area_m2") or ""), residents=int(premise.get("residents") or 0),
                           stove=premise.get("stove") or ""),
        meters=[meter(m) for m in card.meters])


def supplier_facts(s: Supplier) -> pb.Supplier:
    """A supplier reads the same in staff replies and in events."""
    bank, window = s.bank, s.readings_window
    return pb.Supplier(
        supplier_id=s.supplier_id, name=s.name, inn=s.inn, kpp=s.kpp, sms_code=s.sms_code, timezone=s.timezone,
        bank=pb.BankDetails(bank_name=bank.bank_name, bic=bank.bic, settlement_account=bank.settlement_account,
                            correspondent_account=bank.correspondent_account),
        readings_window=pb.ReadingsWindow(from_day=window.from_day, to_day=window.to_day, outside=window.outside),
        payment_due_day=s.payment_due_day, services=list(s.services))


def meter(m: MeterCard) -> pb.Meter:
    return pb.Meter(meter_id=m.meter_id, number=m.number, model=m.model, zones=m.zones,
                    zone_names=list(m.zone_names), digits=m.digits, ratio=m.ratio,
                    verification_due=m.verification_due.isoformat() if m.verification_due else "")


def rfc3339(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else ""
