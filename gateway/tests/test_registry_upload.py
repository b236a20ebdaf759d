"""POST /staff/v1/registry: the one route with a bigger body limit. No service runs here: a body that
passes the gateway's checks ends at the unreachable accounts service (503)."""

from __future__ import annotations

import io


def upload(client, signer, size: int, kind: str = "staff", name: str = "payments"):
    body = {name: (io.BytesIO(b"012;12-1;01.01.2026;1,00;bank;x\n" * (size // 32 + 1)), f"{name}.csv")}
    token = signer.token(kind, roles=["admin"]) if kind == "staff" else signer.token(kind)
    return client.post("/staff/v1/registry", data=body, headers={"Authorization": f"Bearer {token}"})


def test_registry_files_may_exceed_the_ordinary_body_limit(make_app, signer):
    app = make_app(max_body_bytes=64 * 1024, registry_max_bytes=4 * 1024 * 1024)
    client = app.test_client()
    assert upload(client, signer, 2 * 1024 * 1024).json["code"] == "service_unavailable"  # past every check
    too_big = upload(client, signer, 5 * 1024 * 1024)
    assert too_big.status_code == 413 and too_big.json["code"] == "payload_too_large"
    other = client.patch("/staff/v1/service-requests/x", data="x" * 100_000, content_type="application/json",
                         headers={"Authorization": f"Bearer {signer.token('staff', roles=['admin'])}"})
    assert other.status_code == 413


def test_registry_upload_names_only_known_files_and_only_for_staff(app, signer):
    client = app.test_client()
    unknown = upload(client, signer, 100, name="pets")
    assert unknown.status_code == 422 and "pets" in unknown.json["errors"]
    customer = upload(client, signer, 100, kind="person")
    assert customer.status_code == 401 and customer.json["code"] == "wrong_audience"
