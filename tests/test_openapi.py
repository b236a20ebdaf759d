"""The gateway's OpenAPI document (GET /openapi.json) is a valid OpenAPI 3.1 document that describes
every API route. No service runs: the gateway is built like gateway/tests/conftest.py builds it
(unreachable service targets, a local token verifier, memory:// instead of Redis).

The e2e suite checks the real replies against this document (tests/e2e/client.py: Contract).
"""

from __future__ import annotations

import json
import re

import pytest
from openapi_core import OpenAPI
from openapi_spec_validator import OpenAPIV31SpecValidator

from gateway.app import create_app
from gateway.config import GatewayConfig
from kit.tokens import TokenVerifier, new_signing_key

TARGETS = {f"{s}_target": "127.0.0.1:1" for s in ("auth", "accounts", "readings", "payments", "notify")}
# Routes that are not the API: probes, metrics, the document itself, dev/test helpers, static files.
NOT_API = re.compile(r"^/(healthz|readyz|metrics|openapi\.json|dev/|static/|assets/|\{page\}$|$)")  # + the web cabinet


@pytest.fixture(scope="module")
def app():
    _, _, jwk = new_signing_key()
    verifier = TokenVerifier(lambda: json.dumps({"keys": [jwk]}))
    return create_app(GatewayConfig(profile="test", redis_url="memory://", **TARGETS), verifier=verifier)


@pytest.fixture(scope="module")
def document(app) -> dict:
    reply = app.test_client().get("/openapi.json")
    assert reply.status_code == 200 and reply.mimetype == "application/json"
    return reply.get_json()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1.")
    errors = [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(document)'}: {error.message}"
        for error in OpenAPIV31SpecValidator(document).iter_errors()
    ]
    assert errors == []
    OpenAPI.from_dict(document)  # what the e2e check loads (it validates the document again)


def test_every_api_route_is_in_the_document(app, document):
    missing = []
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        if NOT_API.match(path):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method.lower() not in document["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


def test_every_error_reply_is_problem_json(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert set(response["content"]) == {"application/problem+json"}, f"{method} {path} {status}"
