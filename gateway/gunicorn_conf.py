"""gunicorn settings from the environment (see docs/runtime.md)."""

import os

from gateway import server_errors

server_errors.install()  # gunicorn's own error pages as problem+json

bind = os.environ.get("KABINET_GATEWAY_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("KABINET_GATEWAY_WORKERS", "2"))
threads = int(os.environ.get("KABINET_GATEWAY_THREADS", "8"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None
errorlog = "-"
# Channels are made lazily in each worker (after fork), never in the master.
preload_app = False


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
control_socket_disable = True  # gunicorn 27: no shared ~/.gunicorn control socket between gateways
