"""The gRPC server runner: interceptors, the standard health service, graceful SIGTERM.

    serve(config, "readings", register=lambda server: add_ReadingsServicer_to_server(...),
          checks={"database": db_ok, "nats": nats_ok}, verifier=verifier)
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time
from collections.abc import Callable
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from sqlalchemy import Engine, text

from kit.context import Caller, caller_var, new_request_id, request_id_var
from kit.errors import DomainError, Unauthenticated
from kit.grpc_client import MAX_MESSAGE_BYTES
from kit.grpc_errors import to_status
from kit.logging import ctx
from kit.metrics import SERVICE_READY, RpcMetrics
from kit.settings import ServiceConfig
from kit.tokens import TokenVerifier
from kit.tracing import server_interceptors

log = logging.getLogger("kit.grpc")

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class CallContextInterceptor(grpc.ServerInterceptor):
    """Per call: request id and caller identity into context vars; domain errors to
    status codes with details; one log line per failed call."""

    def __init__(self, verifier: TokenVerifier | None) -> None:
        self.verifier = verifier

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        method = handler_call_details.method
        behavior = handler.unary_unary

        def wrapped(request, context):
            md = dict(context.invocation_metadata())
            rid_token = request_id_var.set(md.get("x-request-id") or new_request_id())
            caller_token = None
            started = time.perf_counter()
            try:
                caller_token = caller_var.set(self._caller(md))
                return behavior(request, context)
            except DomainError as exc:
                if exc.status not in ("INVALID_ARGUMENT", "NOT_FOUND", "FAILED_PRECONDITION"):
                    log.info("call refused", extra=ctx(method=method, code=exc.code))
                context.abort_with_status(to_status(exc))
            except Exception:
                if context.code() is None or context.code() == grpc.StatusCode.OK:
                    log.exception("call failed", extra=ctx(method=method))
                raise
            finally:
                elapsed = (time.perf_counter() - started) * 1000
                if elapsed > 500:
                    log.warning("slow call", extra=ctx(method=method, ms=round(elapsed, 1)))
                if caller_token is not None:
                    caller_var.reset(caller_token)
                request_id_var.reset(rid_token)

        return grpc.unary_unary_rpc_method_handler(
            wrapped, request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer)

    def _caller(self, md: dict) -> Caller | None:
        auth = md.get("authorization", "")
        if not auth:
            return None
        if not auth.startswith("Bearer ") or self.verifier is None:
            raise Unauthenticated(code="invalid_token")
        return self.verifier.verify(auth[7:])


def database_check(engine: Engine) -> Callable[[], bool]:
    def check() -> bool:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    return check


def nats_check(servers: list[str]) -> Callable[[], bool]:
    """Speaks enough of the NATS protocol to know a server with JetStream answers."""
    def check() -> bool:
        for url in servers:
            host, _, port = url.removeprefix("nats://").rpartition(":")
            try:
                with socket.create_connection((host or "127.0.0.1", int(port)), timeout=1.0) as s:
                    s.settimeout(1.0)
                    info = s.recv(4096)
                    s.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n')
                    pong = s.recv(64)
                if info.startswith(b"INFO ") and b'"jetstream":true' in info.replace(b" ", b"") \
                        and b"PONG" in pong:
                    return True
            except OSError:
                continue
        return False
    return check


class HealthReporter:
    """Sets SERVING only while every check passes; NOT_SERVING during shutdown."""

    def __init__(self, servicer: health.HealthServicer, service_names: list[str],
                 checks: dict[str, Callable[[], bool]], interval: float = 2.0) -> None:
        self.servicer = servicer
        self.names = ["", *service_names]
        self.checks = checks
        self.interval = interval
        self.stopping = threading.Event()
        self.failing: set[str] = set()

    def run_once(self) -> bool:
        failing = set()
        for name, check in self.checks.items():
            try:
                ok = check()
            except Exception:  # noqa: BLE001 - a failing check is a failed check
                ok = False
            if not ok:
                failing.add(name)
        if failing and failing != self.failing:
            log.warning("health: failing %s", sorted(failing))
        elif self.failing and not failing:
            log.info("health: all checks pass")
        self.failing = failing
        status = NOT_SERVING if failing or self.stopping.is_set() else SERVING
        for name in self.names:
            self.servicer.set(name, status)
        SERVICE_READY.labels(self.names[-1]).set(status == SERVING)  # the short name, e.g. "readings"
        return not failing

    def start(self) -> None:
        self.run_once()

        def loop():
            while not self.stopping.wait(self.interval):
                self.run_once()

        threading.Thread(target=loop, name="health", daemon=True).start()

    def shutdown(self) -> None:
        self.stopping.set()
        self.servicer.enter_graceful_shutdown()


def serve(config: ServiceConfig, service_name: str, register: Callable[[grpc.Server], None],
          checks: dict[str, Callable[[], bool]], verifier: TokenVerifier | None,
          grace_seconds: float = 10.0) -> None:
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=config.grpc_threads, thread_name_prefix="grpc"),
        interceptors=[RpcMetrics(), *server_interceptors(), CallContextInterceptor(verifier)],
        # A bounded connection age lets clients behind a ClusterIP Service spread over new pods.
        options=[("grpc.so_reuseport", 0), ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                 ("grpc.max_connection_age_ms", 300_000), ("grpc.max_connection_age_grace_ms", 30_000)],
    )
    register(server)
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    full_name = f"kabinet.{service_name}.v1.{service_name.capitalize()}"
    reporter = HealthReporter(health_servicer, [full_name, service_name], checks)

    if server.add_insecure_port(config.grpc_listen) == 0:
        raise SystemExit(f"cannot listen on {config.grpc_listen}")
    server.start()
    reporter.start()
    log.info("gRPC server listening", extra=ctx(listen=config.grpc_listen))

    stopped = threading.Event()

    def on_signal(signum, _frame):
        log.info("shutting down", extra=ctx(signal=signum))
        reporter.shutdown()
        server.stop(grace_seconds).wait()
        stopped.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stopped.wait(1.0):
        pass
    log.info("gRPC server stopped")
