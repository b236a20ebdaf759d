"""The gateway's request metrics: labelled by route template, closed label sets, refused requests timed."""

from __future__ import annotations

from prometheus_client import REGISTRY


def count(method: str, route: str, status: str) -> float:
    return REGISTRY.get_sample_value("kabinet_http_requests_total",
                                     {"method": method, "route": route, "status": status}) or 0.0


def timed(method: str, route: str) -> float:
    return REGISTRY.get_sample_value("kabinet_http_request_seconds_count", {"method": method, "route": route}) or 0.0


def test_requests_are_labelled_by_route_template_not_by_path(app):
    route = "/api/v1/accounts/<account_id>/balance"
    before = count("GET", route, "401")
    client = app.test_client()
    for account_id in ("a-1", "a-2", "a-3"):
        assert client.get(f"/api/v1/accounts/{account_id}/balance").status_code == 401
    assert count("GET", route, "401") == before + 3
    assert not [m for m in REGISTRY.collect() for s in m.samples if "a-1" in s.labels.get("route", "")]


def test_unknown_paths_and_methods_make_no_new_series(app):
    client = app.test_client()
    before_unmatched, before_other = count("GET", "unmatched", "404"), timed("other", "unmatched")
    client.get("/api/v1/no/such/thing/12345")  # (outside the API a path is a page of the web cabinet)
    client.open("/api/v1/no/such/thing", method="BREW")
    assert count("GET", "unmatched", "404") == before_unmatched + 1
    assert timed("other", "unmatched") == before_other + 1
    methods = {s.labels["method"] for m in REGISTRY.collect() if m.name == "kabinet_http_requests"
               for s in m.samples}
    assert "BREW" not in methods


def test_a_request_refused_before_its_view_is_timed_too(make_app):
    client = make_app(rate_limits={"ip": "1/minute"}).test_client()
    ip = {"X-Forwarded-For": "203.0.113.50"}
    route = "/api/v1/auth/social/providers"
    before = timed("GET", route)
    client.get(route, headers=ip)
    assert client.get(route, headers=ip).status_code == 429
    assert timed("GET", route) == before + 2


def test_metrics_are_served(app):
    app.test_client().get("/healthz")
    body = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'kabinet_http_requests_total{method="GET",route="/healthz",status="200"}' in body
