"""The OpenAPI 3.1 document, built from the routes that exist.

Views declare themselves with `@operation(...)`; marshmallow schemas become
components through apispec. Served at /openapi.json.
"""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app, jsonify

from gateway import partners
from gateway.idempotency import IDEMPOTENCY_PARAM, UNSAFE
from kit import partner_signing as signing

bp = Blueprint("openapi", __name__)

PROBLEM = {
    "type": "object",
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "code": {"type": "string", "description": "stable machine code"},
        "detail": {"type": "string", "description": "message for people, in Russian"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "per-field messages"},
        "request_id": {"type": "string"},
    },
    "required": ["type", "title", "status", "code", "detail"],
}


# answers any route may give: a query string the input boundary refuses, per-IP rate limit, an unexpected
# error, a service that did not answer
ALWAYS = (422, 429, 500, 503)
PARTNER_HEADERS = {"partnerKey": signing.KEY_HEADER, "partnerTimestamp": signing.TIMESTAMP_HEADER,
                   "partnerNonce": signing.NONCE_HEADER, "partnerSignature": signing.SIGNATURE_HEADER}
SIGNED_IN = (401, 403)        # no or a bad token; CSRF / Origin refused, or onboarding not done
WITH_BODY = (413, 415, 422)   # too big, not JSON, shape refused
RETRIED = (409, 422)          # Idempotency-Key: still running, or used for another request


def operation(summary: str, *, tag: str, body=None, response=None, status: int = 200, auth: bool = True,
              errors: tuple[int, ...] = (), params: tuple[dict, ...] = (), description: str = "",
              files: tuple[str | tuple[str, str], ...] = (), produces: str = "", also: dict | None = None):
    """Describe a view for the OpenAPI document (`files`: a multipart body of these optional files, each a
    name (a CSV) or (name, media type);
    `produces`: a non-JSON success body such as an .xlsx; `also`: more successful answers, status -> schema)."""
    def mark(view):
        view._openapi = dict(summary=summary, tag=tag, body=body, response=response, status=status, auth=auth,
                             errors=errors, params=params, description=description, files=files,
                             produces=produces, also=also or {})
        return view
    return mark


def query_params(*names: str) -> tuple[dict, ...]:
    """Optional string query parameters, for `operation(params=...)`."""
    return tuple({"name": n, "in": "query", "required": False, "schema": {"type": "string"}} for n in names)


def build(app: Flask) -> dict:
    spec = APISpec(title="Kabinet API", version="1.0.0", openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Личный кабинет: customers (/api/v1), staff (/staff/v1) and partners "
                                        "(/partners/v1, signed requests). Errors are application/problem+json "
                                        "with a stable code."})
    spec.components.schema("Problem", PROBLEM)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    for name, header in PARTNER_HEADERS.items():
        spec.components.security_scheme(name, {"type": "apiKey", "in": "header", "name": header,
                                               "description": "a partner's signed request: docs/partners-api.md"})
    paths: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        meta = getattr(app.view_functions[rule.endpoint], "_openapi", None)
        if meta is None:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(meta, rule, method)
    for path, ops in sorted(paths.items()):
        spec.path(path=path, operations=ops)
    return spec.to_dict()


def _operation(meta: dict, rule, method: str) -> dict:
    op: dict = {"summary": meta["summary"], "tags": [meta["tag"]], "responses": {}}
    if meta["description"]:
        op["description"] = meta["description"]
    params = [{"name": arg, "in": "path", "required": True, "schema": {"type": "string"}}
              for arg in sorted(rule.arguments)]
    # a multipart upload alone is not replayed by the gateway (a JSON body beside it is)
    retried = method in UNSAFE and (not meta["files"] or meta["body"] is not None)
    op["parameters"] = params + list(meta["params"]) + ([IDEMPOTENCY_PARAM] if retried else [])
    if meta["body"] is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": meta["body"]}}}
    if meta["files"]:
        parts = dict((f, "text/csv") if isinstance(f, str) else f for f in meta["files"])
        content = op.get("requestBody", {}).get("content", {})  # a JSON body stays the other way to send it
        op["requestBody"] = {"required": True, "content": {**content, "multipart/form-data": {"schema": {
            "type": "object", "properties": {name: {"type": "string", "contentMediaType": media}
                                             for name, media in parts.items()}}}}}
    ok = {"description": "OK"}
    if meta["response"] is not None:
        ok["content"] = {"application/json": {"schema": meta["response"]}}
    if meta["produces"]:
        ok["content"] = {meta["produces"]: {"schema": {"type": "string", "contentMediaType": meta["produces"]}}}
    op["responses"][str(meta["status"])] = ok
    for status, schema in meta["also"].items():
        op["responses"][str(status)] = {"description": "OK", "content": {"application/json": {"schema": schema}}}
    problem = {"description": "Problem", "content": {"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/Problem"}}}}
    for code in sorted({*meta["errors"], *ALWAYS, *(SIGNED_IN if meta["auth"] else ()),
                        *(WITH_BODY if meta["body"] is not None or meta["files"] else ()),
                        *(RETRIED if retried else ())}):
        op["responses"][str(code)] = problem
    if meta["auth"]:
        op["security"] = [{"bearer": []}]
    elif partners.is_signed_path(rule.rule):
        op["security"] = [{name: [] for name in PARTNER_HEADERS}]  # all four headers together
    return op


@bp.get("/openapi.json")
def document():
    cached = current_app.extensions.get("kabinet.openapi")
    if cached is None:
        cached = current_app.extensions["kabinet.openapi"] = build(current_app)
    return jsonify(cached)
