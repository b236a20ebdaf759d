"""The gateway as a whole with fakes: audiences, CSRF, rate-limit answers, headers, OpenAPI."""

from __future__ import annotations

import pytest


def cookie_session(app, client, signer, kind="person"):
    audience = "staff" if kind == "staff" else "customer"
    sid, record = app.extensions["kabinet.sessions"].start(signer.pair(kind=kind), audience)
    name = "kabinet_staff_session" if kind == "staff" else "kabinet_session"
    client.set_cookie(name, sid, domain="localhost")
    return record


def test_security_headers_on_every_answer(app):
    response = app.test_client().get("/healthz")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_bodies_over_the_limit_are_refused(make_app):
    app = make_app(max_body_bytes=2048)
    response = app.test_client().post("/api/v1/auth/login", data="x" * 4096, content_type="application/json")
    assert response.status_code == 413
    assert response.json["code"] == "payload_too_large"


def test_staff_tokens_do_not_work_for_customers_and_back(app, signer):
    client = app.test_client()
    staff = client.get("/api/v1/me", headers={"Authorization": f"Bearer {signer.token('staff')}"})
    assert staff.status_code == 401 and staff.json["code"] == "wrong_audience"
    customer = client.get("/staff/v1/me", headers={"Authorization": f"Bearer {signer.token('person')}"})
    assert customer.status_code == 401 and customer.json["code"] == "wrong_audience"


def test_a_staff_cookie_is_not_read_on_customer_routes(app, signer):
    client = app.test_client()
    cookie_session(app, client, signer, kind="staff")
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json["code"] == "unauthenticated"


def test_cookie_sessions_need_the_csrf_token_for_unsafe_methods(app, signer):
    client = app.test_client()
    record = cookie_session(app, client, signer)
    refused = client.post("/api/v1/me/password", json={})
    assert refused.status_code == 403 and refused.json["code"] == "csrf_failed"
    wrong = client.post("/api/v1/me/password", json={}, headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403
    passed = client.post("/api/v1/me/password", json={}, headers={"X-CSRF-Token": record.csrf})
    assert passed.status_code == 422  # past CSRF, stopped by validation


def test_bearer_clients_need_no_csrf_token(app, signer):
    response = app.test_client().post("/api/v1/me/password", json={},
                                      headers={"Authorization": f"Bearer {signer.token()}"})
    assert response.status_code == 422


def test_cookie_sign_out_drops_the_session_everywhere(app, signer):
    client = app.test_client()
    record = cookie_session(app, client, signer)
    response = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": record.csrf})
    assert response.status_code == 204
    assert any(c.startswith("kabinet_session=;") for c in response.headers.getlist("Set-Cookie"))
    again = client.post("/api/v1/me/password", json={}, headers={"X-CSRF-Token": record.csrf})
    assert again.status_code == 401


def test_per_ip_limits_answer_429_with_retry_after_and_ratelimit_headers(make_app):
    client = make_app(rate_limits={"ip": "2/minute"}).test_client()
    ip = {"X-Forwarded-For": "203.0.113.7"}
    first = client.get("/api/v1/auth/social/providers/nothing", headers=ip)
    assert "RateLimit-Limit" not in first.headers  # the blanket limit shows itself only when it refuses
    client.get("/api/v1/x", headers=ip)
    refused = client.get("/api/v1/x", headers=ip)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json" and refused.json["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0 and refused.headers["RateLimit-Remaining"] == "0"
    other = client.get("/api/v1/x", headers={"X-Forwarded-For": "203.0.113.8"})
    assert other.status_code == 404


def test_registration_needs_a_captcha_before_anything_is_sent(app):
    response = app.test_client().post("/api/v1/auth/register", json={
        "phone": "+79110000000", "password": "Kabinet-2026", "terms_accepted": True})
    assert response.status_code == 422
    assert response.json["code"] == "captcha_required" and "captcha_answer" in response.json["errors"]


@pytest.mark.parametrize("profile, status", [("test", 200), ("prod", 404)])
def test_captcha_answers_are_revealed_only_in_dev_and_test(make_app, profile, status):
    extra = {"secret_key": "k" * 32} if profile == "prod" else {}
    client = make_app(profile=profile, **extra).test_client()
    captcha_id = client.get("/api/v1/captcha").json["captcha_id"]
    assert client.get(f"/dev/captcha/{captcha_id}").status_code == status


def test_openapi_lists_the_identity_routes(app):
    paths = app.test_client().get("/openapi.json").json["paths"]
    for path in ("/api/v1/captcha", "/api/v1/captcha/{captcha_id}/audio", "/api/v1/auth/register",
                 "/api/v1/auth/register/confirm", "/api/v1/auth/login", "/api/v1/auth/refresh",
                 "/api/v1/auth/logout", "/api/v1/auth/logout-all", "/api/v1/auth/recovery",
                 "/api/v1/auth/recovery/confirm", "/api/v1/me", "/api/v1/me/password", "/api/v1/me/sessions",
                 "/api/v1/me/sessions/{session_id}", "/api/v1/me/contact", "/api/v1/auth/resend",
                 "/api/v1/auth/password-rules", "/api/v1/auth/social/{provider}/start",
                 "/api/v1/auth/social/{provider}/callback", "/staff/v1/auth/login"):
        assert path in paths, path
    assert "patch" in paths["/api/v1/me"]


def test_prod_needs_redis_and_a_secret():
    from pydantic import ValidationError

    from gateway.config import GatewayConfig
    from gateway.tests.conftest import TARGETS

    with pytest.raises(ValidationError, match="KABINET_REDIS_URL"):
        GatewayConfig(profile="prod", secret_key="k" * 32, **TARGETS)
    assert GatewayConfig(profile="test", **TARGETS).proxy_hops == 1
    assert GatewayConfig(profile="prod", secret_key="k", redis_url="redis://r", **TARGETS).proxy_hops == 0


def test_dev_workers_sharing_a_redis_agree_on_the_secret_key():
    from gateway.config import GatewayConfig
    from gateway.tests.conftest import TARGETS

    one = GatewayConfig(profile="test", redis_url="redis://127.0.0.1:6379/0", **TARGETS)
    two = GatewayConfig(profile="test", redis_url="redis://127.0.0.1:6379/0", **TARGETS)
    assert one.secret_key == two.secret_key
    assert GatewayConfig(profile="test", **TARGETS).secret_key != GatewayConfig(profile="test", **TARGETS).secret_key
