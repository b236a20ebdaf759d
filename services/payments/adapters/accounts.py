"""The accounts service, as payments sees it: may the caller touch this account?"""

from __future__ import annotations

from kabinet.accounts.v1 import accounts_pb2, accounts_pb2_grpc

from kit.grpc_client import ServiceClient


class AccountsClient:
    def __init__(self, target: str) -> None:
        self.client = ServiceClient(target, accounts_pb2_grpc.AccountsStub)

    def check_access(self, account_id: str) -> None:
        """Returns if the caller (whose token is forwarded) may act on the account; raises
        NotFound or Forbidden (as accounts answers) or Unavailable otherwise."""
        self.client.call("CheckAccess", accounts_pb2.CheckAccessRequest(account_id=account_id), idempotent=True)
