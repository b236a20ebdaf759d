"""Request context (request id), authentication of the caller, CSRF, and security headers.

A caller authenticates with a bearer token (mobile and API clients) or a browser
session cookie (see sessions.py). Three audiences never mix: `/staff/...` accepts
only staff tokens and the staff cookie, `/partners/...` only signed partner requests
(partners.py; no bearer token, no cookie), everything else only customer tokens and
the customer cookie.
"""

from __future__ import annotations

import functools
import re

from flask import Flask, current_app, g, request

from gateway import partners, sessions
from gateway.throttle import NO_PIPELINE, per_ip, per_ip_and_user, per_partner, per_user
from kit.context import Caller, caller_var, new_request_id, request_id_var
from kit.errors import Forbidden, Unauthenticated

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
CUSTOMER_KINDS = frozenset({"person", "organization"})
# what an organization may reach before "Давайте познакомимся" is done (the token says onb)
ONBOARDING_PATHS = ("/api/v1/me/", "/api/v1/auth/", "/api/v1/captcha")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; "
                               "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cache-Control": "no-store",
}


def current_caller() -> Caller:
    """The authenticated caller of this request, or Unauthenticated (401)."""
    found = g.get("caller")
    if found is None:
        if g.get("session_ended"):
            raise Unauthenticated("Сеанс завершён. Войдите снова.", code="session_ended")
        raise Unauthenticated()
    return found


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        current_caller()
        return view(*args, **kwargs)
    return wrapper


def audience() -> str:
    if partners.is_partner_path(request.path):
        return "partner"
    return "staff" if request.path.startswith("/staff/") else "customer"


def _authenticate() -> Caller | None:
    if partners.is_partner_path(request.path):
        per_ip()
        if request.headers.get("Authorization"):  # a customer's or staff token is never a partner's
            raise Unauthenticated("Этот вход не подходит для этого раздела.", code="wrong_audience")
        return partners.authenticate() if partners.is_signed_path(request.path) else None
    verifier = current_app.extensions["kabinet.verifier"]
    if request.headers.get("Authorization"):
        return _bearer_caller(verifier)
    per_ip()
    sid = sessions.session_cookie(audience())
    if not sid:
        return None
    record = current_app.extensions["kabinet.sessions"].current(sid, audience())
    if record is None:
        g.clear_cookies = True  # signed out elsewhere, expired or revoked: drop the dead cookie
        return None
    caller = verifier.verify(record.access)
    if current_app.extensions["kabinet.revocations"].ended(caller.session_id):  # ended on another device
        current_app.extensions["kabinet.sessions"].end(sid)
        g.clear_cookies = True
        return None
    sessions.check_csrf(record)
    g.auth_via, g.session_cookie, g.session_record = "cookie", sid, record
    return caller


def _bearer_caller(verifier) -> Caller | None:
    """A request with a bearer token: verified here (no round trip), then the per-IP and per-user limits and
    the session's revocation in one round trip to Redis — the path of every app's request."""
    header = request.headers.get("Authorization", "")
    try:
        if not header.startswith("Bearer "):
            raise Unauthenticated(code="invalid_token")
        caller = verifier.verify(header[7:].strip())
    except Unauthenticated:
        per_ip()  # a flood of bad tokens is limited like any other request
        raise
    g.auth_via = "bearer"
    revocations = current_app.extensions["kabinet.revocations"]
    read = per_ip_and_user(caller.user_id, revocations.key(caller.session_id))
    ended = revocations.ended(caller.session_id) if read is NO_PIPELINE else revocations.is_ended(read)
    if ended:
        g.session_ended = True  # a route that needs a caller says so; a public one just goes on
        return None
    g.user_counted = True
    return caller


def _check_audience(caller: Caller) -> None:
    route = audience()
    if route == "partner" or caller.kind == partners.PARTNER:
        if route != "partner" or caller.kind != partners.PARTNER:
            raise Unauthenticated("Этот вход не подходит для этого раздела.", code="wrong_audience")
        return
    staff_route = route == "staff"
    if (caller.kind == "staff") != staff_route or (not staff_route and caller.kind not in CUSTOMER_KINDS):
        raise Unauthenticated("Этот вход не подходит для этого раздела.", code="wrong_audience")
    if caller.onboarding_required and request.path != "/api/v1/me" and not request.path.startswith(ONBOARDING_PATHS):
        raise Forbidden("Сначала заполните профиль: «Давайте познакомимся».", code="onboarding_required")


def init_app(app: Flask) -> None:
    @app.before_request
    def bind_context():
        incoming = request.headers.get("X-Request-Id", "")
        g.rid_token = request_id_var.set(incoming if REQUEST_ID_RE.match(incoming) else new_request_id())
        g.caller = None
        g.caller_token = caller_var.set(None)
        if request.blueprint == "web":
            return  # the cabinet's shell and static files: no caller, no data — the page asks the API for that
        sessions.check_origin()
        caller = _authenticate()  # with the per-IP limit (and for a bearer token the per-user one)
        if caller is not None:
            _check_audience(caller)
            if caller.kind == partners.PARTNER:
                per_partner(caller.user_id)
            elif not g.get("user_counted"):
                per_user(caller.user_id)
            g.caller = caller
            caller_var.reset(g.caller_token)
            g.caller_token = caller_var.set(caller)

    @app.after_request
    def headers(response):
        response.headers["X-Request-Id"] = request_id_var.get()
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if g.get("clear_cookies"):
            sessions.clear_cookies(response, audience())
        if current_app.config["KABINET"].is_dev:
            import os

            response.headers["X-Kabinet-Worker"] = str(os.getpid())  # dev/test: which gunicorn worker answered
        return response

    @app.teardown_request
    def unbind_context(_exc):
        caller_token, rid_token = g.pop("caller_token", None), g.pop("rid_token", None)
        if caller_token is not None:  # once, even when a test client keeps the context and tears down twice
            caller_var.reset(caller_token)
        if rid_token is not None:
            request_id_var.reset(rid_token)
