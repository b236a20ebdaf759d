"""gunicorn settings from the environment (see docs/runtime.md)."""

import os

from gateway import server_errors

server_errors.install()  # gunicorn's own error pages as problem+json

bind = os.environ.get("KABINET_GATEWAY_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("KABINET_GATEWAY_WORKERS", "2"))
# A worker's threads mostly wait (gRPC, Redis); a request that finds them all busy waits in the worker's own
# queue, behind requests of other connections, while other services idle. Enough threads for the connections a
# worker holds at once keep the queue in the services, in order (docs/performance.md: 8 → 32 threads, +8 %
# throughput and a shorter tail under the benchmark's 32 connections).
threads = int(os.environ.get("KABINET_GATEWAY_THREADS", "32"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None
errorlog = "-"
# Channels are made lazily in each worker (after fork), never in the master.
preload_app = False


def post_worker_init(worker):
    """The app is loaded in the worker (preload_app is off): its heap is the process's for good."""
    from kit.service import settle_heap

    settle_heap()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
control_socket_disable = True  # gunicorn 27: no shared ~/.gunicorn control socket between gateways
