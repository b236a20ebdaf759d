"""The accounts service, as readings sees it: may the caller touch this account, and its meters."""

from __future__ import annotations

from decimal import Decimal

from kabinet.accounts.v1 import accounts_pb2, accounts_pb2_grpc

from kit.grpc_client import ServiceClient
from services.readings.domain.model import AccountFacts, Meter
from services.readings.domain.windows import SupplierFacts
from services.readings.service_layer.registry import AccountMeters

RESOLVE_BATCH = 2000  # account numbers per StaffResolveAccounts call (with their meters): a small reply


class AccountsClient:
    def __init__(self, target: str) -> None:
        self.client = ServiceClient(target, accounts_pb2_grpc.AccountsStub)

    def resolve_meters(self, supplier_code: str, numbers: list[str]) -> dict[str, AccountMeters]:
        """The registry's account numbers of one supplier -> the accounts' ids and meters, by accounts'
        StaffResolveAccounts with the caller's (staff) token, in batches that keep each reply small."""
        found: dict[str, AccountMeters] = {}
        for start in range(0, len(numbers), RESOLVE_BATCH):
            reply = self.client.call("StaffResolveAccounts", accounts_pb2.StaffResolveAccountsRequest(
                supplier_code=supplier_code, account_numbers=numbers[start:start + RESOLVE_BATCH], with_meters=True),
                idempotent=True)
            for a in reply.accounts:
                found[a.number] = AccountMeters(a.account_id, {
                    m.meter_number: Meter(meter_id=m.meter_id, zones=m.zones, digits=m.digits or 9)
                    for m in a.meters})
        return found

    def find(self, number: str, supplier_id: str) -> str:
        """The account id for a number at a supplier: accounts' FindAccount (no caller needed); raises NotFound
        "account_not_found", InvalidInput "invalid_account_number" or Unavailable."""
        reply = self.client.call("FindAccount", accounts_pb2.FindAccountRequest(number=number,
                                 supplier_id=supplier_id), idempotent=True)
        return reply.account_id

    def facts(self, account_id: str) -> AccountFacts:
        reply = self.client.call("CheckAccess", accounts_pb2.CheckAccessRequest(account_id=account_id),
                                 idempotent=True)
        return facts_from_pb(reply.account)


def facts_from_pb(acc: accounts_pb2.Account) -> AccountFacts:
    """kabinet.accounts.v1.Account (a reply or an event) -> what readings needs of it."""
    return AccountFacts(
        account_id=acc.account_id, supplier_id=acc.supplier_id, category=acc.category,
        automatic_metering=acc.automatic_metering,
        meters=tuple(Meter(meter_id=m.meter_id, zones=m.zones, digits=m.digits,
                           ratio=Decimal(m.ratio or "1"), number=m.number) for m in acc.meters),
    )


def supplier_from_pb(supplier: accounts_pb2.Supplier) -> SupplierFacts:
    """kabinet.accounts.v1.Supplier (accounts.supplier.changed) -> its time zone and readings window; what
    accounts left empty gets the defaults (always open, Moscow)."""
    window, default = supplier.readings_window, SupplierFacts(supplier_id=supplier.supplier_id)
    return SupplierFacts(supplier_id=supplier.supplier_id, timezone=supplier.timezone or default.timezone,
                         window_from_day=window.from_day or default.window_from_day,
                         window_to_day=window.to_day or default.window_to_day,
                         outside_policy=window.outside or default.outside_policy, sms_code=supplier.sms_code)
