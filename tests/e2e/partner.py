"""A partner (bank, payment agent) talking to the gateway's /partners/v1 with signed requests
(docs/partners-api.md; the signature is kit.partner_signing's, computed over the request exactly as sent)."""

from __future__ import annotations

import json
import uuid

import requests

from kit import partner_signing
from tests.e2e.client import Customer, check_response, fake_ip


class PartnerClient:
    def __init__(self, base_url: str, key_id: str, secret: str, *, partner_id: str = "", ip: str | None = None) -> None:
        self.base = base_url.rstrip("/")
        self.key_id, self.secret, self.partner_id = key_id, secret, partner_id
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = ip or fake_ip()
        self.http.hooks["response"].append(check_response)

    def request(self, method: str, path: str, *, json_body=None, data: bytes | None = None,
                headers: dict | None = None, secret: str | None = None, key_id: str | None = None,
                timestamp: int | None = None, nonce: str | None = None, sign: bool = True) -> requests.Response:
        """`path` may carry a query string. The signing parts can be overridden to forge a request."""
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        prepared = self.http.prepare_request(requests.Request(method, self.base + path, data=data,
                                                              headers=headers or {}))
        if sign:
            prepared.headers.update(partner_signing.signed_headers(
                key_id or self.key_id, secret or self.secret, method, prepared.path_url, prepared.body or b"",
                timestamp=timestamp, nonce=nonce))
        return self.http.send(prepared, timeout=15)

    def get(self, path: str, **kw) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, json=None, **kw) -> requests.Response:  # noqa: A002 - requests' own name
        return self.request("POST", path, json_body=json, **kw)

    def ok(self, method: str, path: str, status: int = 200, **kw):
        response = self.request(method, path, **kw)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None


def new_partner(admin: Customer, kind: str = "payment_agent", supplier_id: str | None = None,
                name: str | None = None) -> PartnerClient:
    """A partner of the test's own, created by staff (POST /staff/v1/partners), with its first key."""
    body = {"name": name or f"Банк {uuid.uuid4().hex[:8]}", "kind": kind}
    if supplier_id:
        body["supplier_id"] = supplier_id
    created = admin.ok("POST", "/staff/v1/partners", 201, json=body)
    return PartnerClient(admin.base, created["key_id"], created["secret"],
                         partner_id=created["partner"]["partner_id"])
