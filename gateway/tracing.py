"""Traces of HTTP requests: a SERVER span per request (kit/tracing.py has the rest), and the
trace id in the `X-Trace-Id` response header, so that a person can find the trace of a reply."""

from __future__ import annotations

from flask import Flask

from kit import tracing

NOT_TRACED = "/healthz,/readyz,/metrics"  # probes and scrapes: regexes searched in the URL
TRACE_CONTEXT = ("HTTP_TRACEPARENT", "HTTP_TRACESTATE", "HTTP_BAGGAGE")


def init_app(app: Flask) -> None:
    """Set up tracing for this process (a gunicorn worker: create_app runs after the fork) and
    instrument the app. Call it before any other extension: its before_request opens the span
    that the others' hooks (sessions, throttling) run in."""
    provider = tracing.configure("gateway", app.config["KABINET"].trace_file)
    if provider is not None:
        instrument(app, provider)


def instrument(app: Flask, provider) -> None:
    """A SERVER span per request (probes and scrapes excepted), a root whatever the caller sent."""
    from opentelemetry.instrumentation.flask import FlaskInstrumentor

    FlaskInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=NOT_TRACED,
                                     enable_commenter=False, response_hook=_trace_id_header)
    traced = app.wsgi_app

    def edge(environ, start_response):
        # Traces start here: a caller's traceparent would choose our sampling and our trace ids.
        for key in TRACE_CONTEXT:
            environ.pop(key, None)
        return traced(environ, start_response)

    app.wsgi_app = edge


def _trace_id_header(span, _status: str, headers: list) -> None:
    ctx = span.get_span_context() if span is not None else None
    if ctx is not None and ctx.is_valid:
        headers.append(("X-Trace-Id", f"{ctx.trace_id:032x}"))
