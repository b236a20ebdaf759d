"""Partners are a third audience: only signed requests reach /partners/, and a partner token reaches nothing
else. auth is a fake here that checks the signature with kit.partner_signing, like auth's domain does."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kit import partner_signing as signing
from kit.errors import Unauthenticated

SECRET = "sk_gateway_test"


class FakeAuth:
    """AuthenticatePartner over kit.partner_signing, recording what the gateway sent."""

    def __init__(self, signer) -> None:
        self.signer = signer
        self.requests = []

    def call(self, method, request, **kw):
        assert method == "AuthenticatePartner" and kw.get("token") == ""
        self.requests.append(request)
        if request.key_id != "pk_1" or not signing.signature_matches(
                SECRET, request.signature, request.method, request.path, request.timestamp, request.nonce,
                request.body_sha256):
            raise Unauthenticated(code="invalid_signature")
        return SimpleNamespace(access_token=self.signer.token("partner", user_id="p-1", roles=("payment_agent",)),
                               expires_in=300, partner_id="p-1", kind="payment_agent", supplier_id="",
                               name="Банк «Тест»", key_id="pk_1")


@pytest.fixture
def fake_auth(app, signer):
    fake = FakeAuth(signer)
    app.extensions["kabinet.services"].clients["auth"] = fake
    return fake


def signed_get(client, target: str, secret: str = SECRET, **headers):
    return client.get(target, headers=signing.signed_headers("pk_1", secret, "GET", target) | headers)


def test_a_signed_request_reaches_a_partner_route(app, fake_auth):
    response = signed_get(app.test_client(), "/partners/v1/ping?x=%D0%B0")
    assert response.status_code == 200
    assert response.json == {"partner_id": "p-1", "name": "Банк «Тест»", "kind": "payment_agent",
                             "supplier_id": None, "key_id": "pk_1"}
    sent = fake_auth.requests[-1]
    assert (sent.method, sent.path, sent.body_sha256) == ("GET", "/partners/v1/ping?x=%D0%B0",
                                                          signing.body_sha256(b""))


def test_the_body_the_gateway_received_is_what_is_checked(app, fake_auth):
    client = app.test_client()
    target, sent = "/partners/v1/ping", '{"echo": "привет"}'.encode()
    headers = signing.signed_headers("pk_1", SECRET, "POST", target, sent)
    answer = client.post(target, data=sent, headers=headers, content_type="application/json")
    assert answer.status_code == 200 and answer.json["echo"] == "привет"
    assert fake_auth.requests[-1].body_sha256 == signing.body_sha256(sent)
    headers = signing.signed_headers("pk_1", SECRET, "POST", target, sent)
    refused = client.post(target, data=b'{"echo": "poka"}', headers=headers, content_type="application/json")
    assert refused.status_code == 401 and refused.json["code"] == "invalid_signature"


def test_unsigned_or_badly_signed_requests_are_401(app, fake_auth):
    client = app.test_client()
    unsigned = client.get("/partners/v1/ping")
    assert unsigned.status_code == 401 and unsigned.json["code"] == "signature_required"
    bad = signed_get(client, "/partners/v1/ping", secret="sk_wrong")
    assert bad.status_code == 401 and bad.json["code"] == "invalid_signature"
    assert bad.content_type == "application/problem+json"


def test_customer_and_staff_tokens_never_reach_partner_routes(app, signer, fake_auth):
    client = app.test_client()
    for kind in ("person", "organization", "staff", "partner"):
        response = client.get("/partners/v1/ping", headers={"Authorization": f"Bearer {signer.token(kind)}"})
        assert response.status_code == 401 and response.json["code"] == "wrong_audience", kind
    assert fake_auth.requests == []


def test_a_partner_token_reaches_no_customer_or_staff_route(app, signer):
    client = app.test_client()
    token = signer.token("partner", user_id="p-1", roles=("payment_agent",))
    for path in ("/api/v1/me", "/staff/v1/me", "/staff/v1/partners"):
        response = client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401 and response.json["code"] == "wrong_audience", path


def test_provider_notifications_are_not_signed(app, fake_auth):
    response = app.test_client().post("/partners/v1/providers/nowhere/notifications", json={})
    assert response.status_code != 401  # whatever the route answers (payments is not running here), no signature
    assert fake_auth.requests == []


def test_a_file_upload_route_takes_a_big_signed_body_and_others_do_not(make_app, signer):
    app = make_app(max_body_bytes=1024)
    fake = FakeAuth(signer)
    app.extensions["kabinet.services"].clients["auth"] = fake
    client = app.test_client()
    big = b'{"echo": "' + b"x" * 4096 + b'"}'
    headers = signing.signed_headers("pk_1", SECRET, "POST", "/partners/v1/ping", big)
    too_big = client.post("/partners/v1/ping", data=big, headers=headers, content_type="application/json")
    assert too_big.status_code == 413 and fake.requests == []
    upload = (b"--b\r\nContent-Disposition: form-data; name=\"registry\"; filename=\"r.csv\"\r\n\r\n"
              + b"x" * 4096 + b"\r\n--b--\r\n")
    headers = signing.signed_headers("pk_1", SECRET, "POST", "/partners/v1/registries", upload)
    answer = client.post("/partners/v1/registries", data=upload, headers=headers,
                         content_type="multipart/form-data; boundary=b")
    assert answer.status_code != 413 and fake.requests[-1].body_sha256 == signing.body_sha256(upload)
