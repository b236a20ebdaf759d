"""Prometheus metrics, shared by all gunicorn workers (multiprocess mode when
PROMETHEUS_MULTIPROC_DIR is set)."""

from __future__ import annotations

import os
import time

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter("kabinet_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("kabinet_http_request_seconds", "HTTP request latency", ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
# Labels come from closed sets: the route template (not the path) and the methods HTTP defines,
# so that no client can make up new series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def init_app(app: Flask) -> None:
    def start_timer():
        g.started = time.perf_counter()

    # First of all before_request hooks: a request that another hook refuses (401, 429) is timed too.
    app.before_request_funcs.setdefault(None, []).insert(0, start_timer)

    @app.after_request
    def observe(response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        method = request.method if request.method in METHODS else "other"
        if "started" in g:
            LATENCY.labels(method, route).observe(time.perf_counter() - g.started)
        REQUESTS.labels(method, route, str(response.status_code)).inc()
        return response

    @app.get("/metrics")
    def metrics():
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        else:
            from prometheus_client import REGISTRY as registry
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
