"""Request context (request id), authentication of the caller, and security headers."""

from __future__ import annotations

import functools
import re

from flask import Flask, current_app, g, request

from kit.context import Caller, caller_var, new_request_id, request_id_var
from kit.errors import Unauthenticated

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                               "base-uri 'self'; form-action 'self'",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def current_caller() -> Caller:
    """The authenticated caller of this request, or Unauthenticated (401)."""
    found = g.get("caller")
    if found is None:
        raise Unauthenticated()
    return found


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        current_caller()
        return view(*args, **kwargs)
    return wrapper


def init_app(app: Flask) -> None:
    @app.before_request
    def bind_context():
        incoming = request.headers.get("X-Request-Id", "")
        g.rid_token = request_id_var.set(incoming if REQUEST_ID_RE.match(incoming) else new_request_id())
        g.caller = None
        header = request.headers.get("Authorization", "")
        if header:
            if not header.startswith("Bearer "):
                raise Unauthenticated(code="invalid_token")
            g.caller = current_app.extensions["kabinet.verifier"].verify(header[7:].strip())
        g.caller_token = caller_var.set(g.caller)

    @app.after_request
    def headers(response):
        response.headers["X-Request-Id"] = request_id_var.get()
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.teardown_request
    def unbind_context(_exc):
        if "caller_token" in g:
            caller_var.reset(g.caller_token)
        if "rid_token" in g:
            request_id_var.reset(g.rid_token)
