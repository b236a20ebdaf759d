"""gRPC clients: one channel per process (made lazily, after any fork), a deadline
on every call, retries on UNAVAILABLE for idempotent calls, request id and the
caller's token forwarded, and domain errors rebuilt from status details."""

from __future__ import annotations

import os
import threading
import time

import grpc

from kit.context import caller, request_id
from kit.grpc_errors import from_rpc_error
from kit.tracing import traced_channel

MAX_MESSAGE_BYTES = 32 * 1024 * 1024  # the servers' receive limit too (kit/grpc_server.py)

DEFAULT_TIMEOUT = 3.0
RETRY_DELAYS = (0.05, 0.2, 0.5)


class ServiceClient:
    """A stub for one service. `client.call("SubmitReading", request)`."""

    def __init__(self, target: str, stub_class, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.target = target
        self.stub_class = stub_class
        self.timeout = timeout
        self._stub = None
        self._channel = None
        self._pid = None
        self._lock = threading.Lock()

    @property
    def stub(self):
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._channel = traced_channel(grpc.insecure_channel(self.target, options=[
                        ("grpc.keepalive_time_ms", 30000),
                        ("grpc.enable_retries", 0),  # our own policy below, per call
                        # files come back in replies (registry reports, .xlsx exports): as much as a server takes
                        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                    ]))
                    self._stub = self.stub_class(self._channel)
                    self._pid = os.getpid()
        return self._stub

    @property
    def channel(self) -> grpc.Channel:
        _ = self.stub
        return self._channel

    def call(self, method: str, request, *, timeout: float | None = None, idempotent: bool = False,
             token: str | None = None):
        """Call and return the reply; raise a DomainError for any refusal or outage."""
        deadline = time.monotonic() + (timeout or self.timeout)
        attempt = 0
        while True:
            try:
                return getattr(self.stub, method)(request, timeout=max(deadline - time.monotonic(), 0.01),
                                                  metadata=self._metadata(token))
            except grpc.RpcError as err:
                retry = (idempotent and err.code() == grpc.StatusCode.UNAVAILABLE
                         and attempt < len(RETRY_DELAYS)
                         and time.monotonic() + RETRY_DELAYS[attempt] < deadline)
                if not retry:
                    raise from_rpc_error(err) from None
                time.sleep(RETRY_DELAYS[attempt])
                attempt += 1

    def future(self, method: str, request, *, timeout: float | None = None, token: str | None = None):
        """Start a call; pass the result to `result()` to wait for it (for parallel composition)."""
        return getattr(self.stub, method).future(request, timeout=timeout or self.timeout,
                                                 metadata=self._metadata(token))

    @staticmethod
    def result(fut):
        try:
            return fut.result()
        except grpc.RpcError as err:
            raise from_rpc_error(err) from None

    @staticmethod
    def _metadata(token: str | None) -> tuple:
        md = [("x-request-id", request_id())] if request_id() else []
        current = caller()
        token = token or (current.token if current else "")
        if token:
            md.append(("authorization", f"Bearer {token}"))
        return tuple(md)
