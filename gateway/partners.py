"""Partners' signed requests (/partners/v1, docs/partners-api.md): the gateway reads the four X-Kabinet-*
headers, hashes the body it received and asks auth (AuthenticatePartner) whether the signature, timestamp,
nonce and key hold; auth answers with a short-lived partner token that is forwarded to the services like
any caller's. The canonical string is kit.partner_signing's; which request is fresh and whose key is
good is auth's rule. Provider notifications (/partners/v1/providers/...) are not signed: the payments
service re-fetches what they claim from the provider."""

from __future__ import annotations

import functools
from urllib.parse import quote

from flask import current_app, g, request
from kabinet.auth.v1 import auth_pb2

from gateway.services import auth
from kit import partner_signing as signing
from kit.context import Caller
from kit.errors import Unauthenticated

PREFIX = "/partners/"
UNSIGNED_PREFIX = "/partners/v1/providers/"
PARTNER = "partner"
HEADERS = (signing.KEY_HEADER, signing.TIMESTAMP_HEADER, signing.NONCE_HEADER, signing.SIGNATURE_HEADER)
HEADER_CAP = 256  # shape only: what a header may carry before auth looks at it


def is_partner_path(path: str) -> bool:
    return path.startswith(PREFIX)


def is_signed_path(path: str) -> bool:
    return is_partner_path(path) and not path.startswith(UNSIGNED_PREFIX)


def request_target() -> str:
    """The path and query as the client sent them (what it signed): gunicorn's and werkzeug's RAW_URI,
    else rebuilt from the decoded path."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return raw
    query = request.query_string.decode("latin-1")
    return quote(request.path) + (f"?{query}" if query else "")


def _allow_uploads() -> None:
    """The signature covers the body, so it is read before the view runs: a route documented as a file upload
    (`@operation(files=...)`, e.g. a bank's daily registry) takes bodies up to KABINET_REGISTRY_MAX_BYTES, as
    the view itself would allow; every other route keeps the general cap."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, "_openapi", {}).get("files"):
        request.max_content_length = current_app.config["KABINET"].registry_max_bytes
        request.max_form_memory_size = 1024 * 1024


def authenticate() -> Caller:
    """The partner who signed this request; Unauthenticated (401) otherwise."""
    key_id, timestamp, nonce, sig = (request.headers.get(h, "") for h in HEADERS)
    if not key_id or not sig:
        raise Unauthenticated("Запрос партнёра должен быть подписан.", code="signature_required")
    if max(len(key_id), len(timestamp), len(nonce), len(sig)) > HEADER_CAP:
        raise Unauthenticated("Неверная подпись запроса.", code="invalid_signature")
    _allow_uploads()
    reply = auth().call("AuthenticatePartner", auth_pb2.AuthenticatePartnerRequest(
        key_id=key_id, method=request.method, path=request_target(), timestamp=timestamp, nonce=nonce,
        body_sha256=signing.body_sha256(request.get_data(cache=True)), signature=sig), token="")
    g.partner = reply
    roles = (reply.kind, f"supplier:{reply.supplier_id}") if reply.supplier_id else (reply.kind,)
    return Caller(user_id=reply.partner_id, kind=PARTNER, session_id=f"partner:{reply.key_id}", roles=roles,
                  token=reply.access_token)


def partner_required(view):
    """A route of the partner API: the request was signed by an active partner (g.caller is its Caller:
    kind "partner", user_id = partner_id, roles = (its kind,) plus "supplier:<id>" when it is scoped)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        caller = g.get("caller")
        if caller is None or caller.kind != PARTNER:
            raise Unauthenticated("Запрос партнёра должен быть подписан.", code="signature_required")
        return view(*args, **kwargs)
    return wrapper
