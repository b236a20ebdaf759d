"""The accounts service, as payments sees it: may the caller touch this account, and what is it?"""

from __future__ import annotations

from kabinet.accounts.v1 import accounts_pb2, accounts_pb2_grpc

from kit.grpc_client import ServiceClient
from services.payments.domain.model import AccountFacts, Supplier


class AccountsClient:
    def __init__(self, target: str) -> None:
        self.client = ServiceClient(target, accounts_pb2_grpc.AccountsStub)

    def check_access(self, account_id: str) -> None:
        """Returns if the caller (whose token is forwarded) may act on the account; raises
        NotFound or Forbidden (as accounts answers) or Unavailable otherwise."""
        self.facts(account_id)

    def facts(self, account_id: str) -> AccountFacts:
        """The account's facts if the caller may act on it; raises like check_access otherwise."""
        reply = self.client.call("CheckAccess", accounts_pb2.CheckAccessRequest(account_id=account_id),
                                 idempotent=True)
        return facts_from_pb(reply.account)


def facts_from_pb(account: accounts_pb2.Account) -> AccountFacts:
    """kabinet.accounts.v1.Account (a reply or an event) -> what payments needs of it."""
    return AccountFacts(account_id=account.account_id, supplier_id=account.supplier_id, category=account.category,
                        meter_zones=tuple(sorted({m.zones for m in account.meters})),
                        residents=account.premise.residents or None)


def supplier_from_pb(supplier: accounts_pb2.Supplier) -> Supplier:
    """kabinet.accounts.v1.Supplier (accounts.supplier.changed) -> what payments needs of it."""
    bank = supplier.bank
    return Supplier(supplier_id=supplier.supplier_id, name=supplier.name, inn=supplier.inn, kpp=supplier.kpp,
                    bank_name=bank.bank_name, bic=bank.bic, settlement_account=bank.settlement_account,
                    correspondent_account=bank.correspondent_account, timezone=supplier.timezone,
                    payment_due_day=supplier.payment_due_day or None)
