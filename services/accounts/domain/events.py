"""Facts accounts announces to other services. Plain data: adapters/events.py turns each into its
contract message (protos/kabinet/accounts/v1) and the unit of work writes it to the outbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.accounts.domain.model import AccountCard
from services.accounts.domain.requests import ServiceRequest
from services.accounts.domain.suppliers import Supplier


@dataclass(frozen=True)
class AccountBound:
    account_id: str
    user_id: str
    supplier_id: str


@dataclass(frozen=True)
class AccountUnbound:
    account_id: str
    user_id: str


@dataclass(frozen=True)
class AccountChanged:
    """The account's current facts (outside any cabinet: no alias, no group)."""

    account: AccountCard


@dataclass(frozen=True)
class ContractConfirmationRequested:
    """Send the link with `token` to `email` (the raw token exists only in this fact)."""

    contract_id: str
    contract_number: str
    email: str
    token: str
    expires_at: dt.datetime
    user_id: str


@dataclass(frozen=True)
class ContractBound:
    contract_id: str
    user_id: str
    supplier_id: str
    contract_number: str


@dataclass(frozen=True)
class ContractUnbound:
    contract_id: str
    user_id: str


@dataclass(frozen=True)
class SupplierChanged:
    """A supplier's current facts, after staff created or changed it (or seed-demo loaded it)."""

    supplier: Supplier


@dataclass(frozen=True)
class ServiceRequestChanged:
    """Staff moved a service request to a new status, with their comment: the cabinet that filed it hears.
    A customer's own cancel is not told back to them (they did it, and the cabinet shows it)."""

    request: ServiceRequest       # as it is after the change
    comment: str
    at: dt.datetime


Fact = (AccountBound | AccountUnbound | AccountChanged | ContractConfirmationRequested | ContractBound
        | ContractUnbound | SupplierChanged | ServiceRequestChanged)
