"""The accounts service, as readings sees it: may the caller touch this account, and its meters."""

from __future__ import annotations

from decimal import Decimal

from kabinet.accounts.v1 import accounts_pb2, accounts_pb2_grpc

from kit.grpc_client import ServiceClient
from services.readings.domain.model import AccountFacts, Meter


class AccountsClient:
    def __init__(self, target: str) -> None:
        self.client = ServiceClient(target, accounts_pb2_grpc.AccountsStub)

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
                           ratio=Decimal(m.ratio or "1")) for m in acc.meters),
    )
