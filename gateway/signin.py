"""Starting and ending a caller's session at the gateway: tokens for mobile clients, a cookie
session for browsers (sessions.py). Shared by the customer and the staff sign-in routes and by
the profile's session list."""

from __future__ import annotations

import logging

from flask import current_app, g, jsonify
from kabinet.auth.v1 import auth_pb2 as pb
from marshmallow import fields, validate

from gateway import sessions
from gateway.revocations import sessions_ended
from gateway.schema import body, field
from gateway.security import audience
from gateway.services import auth
from gateway.shapes import LogoutIn, TokensOut
from kit.errors import DomainError, Unauthenticated

log = logging.getLogger("gateway.signin")
SESSION_MODES = ("token", "cookie")  # the gateway's own notion: how a client keeps its session


def session_mode():
    """The `session` field of a sign-in: tokens in the reply, or a browser cookie session."""
    return field(fields.String, load_default="token",
                 validate=validate.OneOf(SESSION_MODES, error="Допустимо: token или cookie."),
                 metadata={"description": "token: tokens in the reply (mobile); cookie: a browser session "
                                          "cookie and a CSRF token"})


def issue(pair, mode: str, aud: str = "customer"):
    """The reply to a successful sign-in: tokens (mobile) or a new cookie session (browser)."""
    common = {"kind": pair.kind, "onboarding_required": pair.onboarding_required,
              "expires_in": pair.access_expires_in, "refresh_expires_in": pair.refresh_expires_in}
    if mode != "cookie":
        return jsonify(TokensOut().dump({
            "session": "token", "access_token": pair.access_token, "token_type": "Bearer",
            "refresh_token": pair.refresh_token, "session_id": pair.session_id, **common}))
    browser = current_app.extensions["kabinet.sessions"]
    old = sessions.session_cookie(aud)
    if old:  # a sign-in always starts a new session id; the previous one ends
        previous = browser.end(old)
        if previous is not None:
            _logout_quietly(previous.refresh)
    sid, record = browser.start(pair, aud)
    response = jsonify(TokensOut().dump({"session": "cookie", "csrf_token": record.csrf, **common}))
    sessions.set_cookies(response, sid, record)
    g.clear_cookies = False
    return response


def end_cookie_session(response):
    """Sign out the browser session of this request (if any) and drop its cookies."""
    sid = g.get("session_cookie") or sessions.session_cookie(audience())
    if sid:
        record = current_app.extensions["kabinet.sessions"].end(sid)
        if record is not None:
            _logout_quietly(record.refresh)
    sessions.clear_cookies(response, audience())
    return response


def sign_out():
    """End the caller's session: the cookie session of a browser, or the refresh token a bearer
    client sends (customers and staff alike)."""
    data = body(LogoutIn, optional=True)
    if g.get("auth_via") == "cookie":
        return end_cookie_session(current_app.response_class(status=204))
    sessions_ended(auth().call("Logout", pb.LogoutRequest(refresh_token=data.get("refresh_token", ""))))
    return "", 204


def _logout_quietly(refresh_token: str) -> None:
    """End the auth session behind a browser session that is being dropped. The record holding the
    refresh token is already gone, so if auth cannot be told now the session dies with its tokens."""
    try:
        sessions_ended(auth().call("Logout", pb.LogoutRequest(refresh_token=refresh_token)))
    except Unauthenticated:
        pass  # already ended in auth
    except DomainError as exc:
        log.warning("could not end the auth session of a browser session: %s", exc)
