"""The accounts service, as payments sees it: may the caller touch this account, and what is it?"""

from __future__ import annotations

from kabinet.accounts.v1 import accounts_pb2, accounts_pb2_grpc

from kit.grpc_client import ServiceClient
from services.payments.domain.model import AccountFacts, Supplier
from services.payments.domain.registry import Resolution

RESOLVE_BATCH = 5000  # numbers per StaffResolveAccounts call: its reply stays well under gRPC's 4 MB


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

    def find(self, number: str, supplier_id: str) -> str:
        """The account id for a number at a supplier: accounts' FindAccount (no caller needed; a partner's or
        no token is fine); raises NotFound "account_not_found", InvalidInput or Unavailable."""
        reply = self.client.call("FindAccount", accounts_pb2.FindAccountRequest(number=number,
                                 supplier_id=supplier_id), idempotent=True)
        return reply.account_id

    def resolve(self, supplier_code: str, account_numbers: list[str], contract_numbers: list[str]) -> Resolution:
        """The registry's numbers of one supplier -> ids, by accounts' StaffResolveAccounts with the caller's
        (staff) token, in batches that keep each reply small."""
        found = Resolution(supplier_id="")
        batches = [(account_numbers[i:i + RESOLVE_BATCH], []) for i in range(0, len(account_numbers), RESOLVE_BATCH)]
        batches += [([], contract_numbers[i:i + RESOLVE_BATCH]) for i in range(0, len(contract_numbers), RESOLVE_BATCH)]
        for accounts, contracts in batches or [([], [])]:
            reply = self.client.call("StaffResolveAccounts", accounts_pb2.StaffResolveAccountsRequest(
                supplier_code=supplier_code, account_numbers=accounts, contract_numbers=contracts), idempotent=True)
            found = Resolution(supplier_id=reply.supplier_id,
                               accounts=found.accounts | {a.number: a.account_id for a in reply.accounts},
                               contracts=found.contracts | {c.contract_number: c.contract_id for c in reply.contracts})
        return found

    def check_contract(self, contract_id: str) -> None:
        """Returns if the contract is bound to the caller (whose token is forwarded): accounts' GetContract;
        raises NotFound as accounts answers, or Unavailable."""
        self.client.call("GetContract", accounts_pb2.GetContractRequest(contract_id=contract_id), idempotent=True)


def facts_from_pb(account: accounts_pb2.Account) -> AccountFacts:
    """kabinet.accounts.v1.Account (a reply or an event) -> what payments needs of it."""
    return AccountFacts(account_id=account.account_id, supplier_id=account.supplier_id, category=account.category,
                        meter_zones=tuple(sorted({m.zones for m in account.meters})),
                        residents=account.premise.residents or None, number=account.number,
                        address=account.address, holder=account.holder, bill_delivery=account.bill_delivery,
                        automatic_metering=account.automatic_metering)


def supplier_from_pb(supplier: accounts_pb2.Supplier) -> Supplier:
    """kabinet.accounts.v1.Supplier (accounts.supplier.changed) -> what payments needs of it."""
    bank = supplier.bank
    return Supplier(supplier_id=supplier.supplier_id, name=supplier.name, inn=supplier.inn, kpp=supplier.kpp,
                    bank_name=bank.bank_name, bic=bank.bic, settlement_account=bank.settlement_account,
                    correspondent_account=bank.correspondent_account, timezone=supplier.timezone,
                    payment_due_day=supplier.payment_due_day or None)
