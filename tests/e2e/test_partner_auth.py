"""Partners through the gateway: signed requests pass; a bad signature, a stale timestamp, a replayed nonce, an
unknown, revoked or expired key and a disabled partner are 401; keys rotate with an overlap; staff actions are
audited; partners are an audience of their own (docs/partners-api.md)."""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
import requests
from kabinet.auth.v1 import auth_pb2, auth_pb2_grpc

from kit import partner_signing
from kit.grpc_client import ServiceClient
from tests.e2e.client import Customer, eventually, import_registry, new_supplier, staff_member
from tests.e2e.partner import PartnerClient, new_partner

PING = "/partners/v1/ping"


@pytest.fixture(scope="module")
def admin(stack) -> Customer:
    return staff_member(stack, "admin")


def refused(response, code: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code, response.text


def test_signed_get_and_post_reach_partner_routes(admin):
    partner = new_partner(admin, kind="bank")
    seen = partner.ok("GET", f"{PING}?probe=1&x=%D0%B0")
    assert (seen["partner_id"], seen["kind"], seen["key_id"], seen["supplier_id"]) == (
        partner.partner_id, "bank", partner.key_id, None)
    echoed = partner.post(PING, json={"echo": "Проверка связи"})
    assert echoed.status_code == 200 and echoed.json()["echo"] == "Проверка связи"


def test_every_broken_signature_is_401(admin):
    partner = new_partner(admin)
    refused(partner.get(PING, sign=False), "signature_required")
    refused(partner.get(PING, secret="sk_not_the_secret"), "invalid_signature")
    refused(partner.get(PING, key_id="pk_nobody"), "unknown_key")
    refused(partner.get(PING, timestamp=int(time.time()) - 360), "stale_timestamp")
    refused(partner.get(PING, timestamp=int(time.time()) + 360), "stale_timestamp")
    nonce = uuid.uuid4().hex
    assert partner.get(PING, nonce=nonce).status_code == 200
    refused(partner.get(PING, nonce=nonce), "nonce_reused")  # the same nonce, even newly signed
    # a body changed after signing
    prepared = partner.http.prepare_request(requests.Request(
        "POST", partner.base + PING, data=b'{"echo": "a"}', headers={"Content-Type": "application/json"}))
    prepared.headers.update(partner_signing.signed_headers(partner.key_id, partner.secret, "POST", PING,
                                                           b'{"echo": "b"}'))
    refused(partner.http.send(prepared, timeout=15), "invalid_signature")


def test_a_disabled_partner_is_refused_until_enabled(admin):
    partner = new_partner(admin)
    changed = admin.ok("PATCH", f"/staff/v1/partners/{partner.partner_id}", json={"active": False})
    assert changed["active"] is False
    refused(partner.get(PING), "unknown_key")
    admin.ok("PATCH", f"/staff/v1/partners/{partner.partner_id}", json={"active": True})
    assert partner.get(PING).status_code == 200


def test_rotation_keeps_the_old_key_for_the_overlap_and_revocation_stops_it(admin):
    old = new_partner(admin)
    rotated = admin.ok("POST", f"/staff/v1/partners/{old.partner_id}/keys", 201, json={"overlap_hours": 24})
    new = PartnerClient(admin.base, rotated["key_id"], rotated["secret"], partner_id=old.partner_id)
    assert old.get(PING).status_code == 200 and new.get(PING).status_code == 200
    keys = {k["key_id"]: k for k in rotated["partner"]["keys"]}
    assert keys[old.key_id]["expires_at"] and keys[new.key_id]["expires_at"] is None
    after = admin.ok("DELETE", f"/staff/v1/partners/{old.partner_id}/keys/{old.key_id}")
    assert [k["usable"] for k in after["keys"]] == [True, False]
    refused(old.get(PING), "unknown_key")
    assert new.get(PING).status_code == 200
    again = admin.ok("POST", f"/staff/v1/partners/{old.partner_id}/keys", 201, json={"overlap_hours": 0})
    refused(new.get(PING), "unknown_key")  # no overlap asked: the previous key stops at once
    assert PartnerClient(admin.base, again["key_id"], again["secret"]).get(PING).status_code == 200


def test_staff_actions_need_their_role_and_are_audited(stack, admin):
    operator = staff_member(stack, "operator")
    refused_create = operator.call("POST", "/staff/v1/partners", json={"name": "Банк", "kind": "bank"})
    assert refused_create.status_code == 403
    partner = new_partner(admin, kind="sms_gateway")
    listed = operator.ok("GET", "/staff/v1/partners")["partners"]
    mine = next(p for p in listed if p["partner_id"] == partner.partner_id)
    assert mine["kind"] == "sms_gateway" and "secret" not in str(mine)
    admin.ok("POST", f"/staff/v1/partners/{partner.partner_id}/keys", 201, json={})
    admin.ok("DELETE", f"/staff/v1/partners/{partner.partner_id}/keys/{partner.key_id}")
    admin.ok("PATCH", f"/staff/v1/partners/{partner.partner_id}", json={"active": False})
    entries = admin.ok("GET", f"/staff/v1/partners/{partner.partner_id}/audit")["entries"]
    assert [e["action"] for e in entries] == ["partner.disabled", "partner.key_revoked", "partner.key_rotated",
                                              "partner.created"]
    assert entries[-1]["after"]["key_id"] == partner.key_id and partner.secret not in str(entries)
    assert admin.call("GET", "/staff/v1/partners/not-a-partner/audit").json()["entries"] == []
    assert admin.call("DELETE", f"/staff/v1/partners/{uuid.uuid4()}/keys/pk_x").status_code == 404
    assert operator.call("GET", f"/staff/v1/partners/{partner.partner_id}/audit").status_code == 403


def test_partners_are_an_audience_of_their_own(stack, admin):
    customer = Customer(stack.gateway_url).register().login()
    refused(customer.call("GET", PING), "wrong_audience")
    refused(admin.call("GET", PING), "wrong_audience")
    # a partner token (as auth gives the gateway) is refused outside /partners/
    partner = new_partner(admin)
    headers = partner_signing.signed_headers(partner.key_id, partner.secret, "GET", PING)
    auth = ServiceClient(stack.grpc_target("auth"), auth_pb2_grpc.AuthStub)
    token = auth.call("AuthenticatePartner", auth_pb2.AuthenticatePartnerRequest(
        key_id=partner.key_id, method="GET", path=PING, timestamp=headers["X-Kabinet-Timestamp"],
        nonce=headers["X-Kabinet-Nonce"], body_sha256=partner_signing.body_sha256(b""),
        signature=headers["X-Kabinet-Signature"]), token="").access_token
    for path in ("/api/v1/me", "/staff/v1/partners"):
        answer = Customer(stack.gateway_url).call("GET", path, headers={"Authorization": f"Bearer {token}"})
        refused(answer, "wrong_audience")


def test_a_partner_payment_is_the_last_payment_a_customer_binds_with(stack, admin):
    """The loop: payments.payment.posted reaches accounts, which takes it as the binding proof (the bank's
    payment needs no 14-day grace: it reached the ledger)."""
    made = new_supplier(admin, name="АО «Петельная сбытовая»")
    number = f"77-{random.randrange(10**8):08d}"
    import_registry(admin, accounts="supplier_code;account_number;holder;address;category;area_m2;residents;stove;"
                                    "bill_delivery;automatic_metering\n"
                                    f"{made['sms_code']};{number};Петлина Ольга Ивановна;Санкт-Петербург, ул. "
                                    "Петельная, д. 1, кв. 2;urban_gas_stove;40,0;1;gas;paper;0\n")
    paid_on = dt.datetime.now(ZoneInfo(made.get("timezone") or "Europe/Moscow")).date().isoformat()
    proof = {"number": number, "supplier_id": made["supplier_id"],
             "proof": {"last_payment": {"date": paid_on, "amount_kop": 123456}}}
    refused_before = Customer(stack.gateway_url).register().login().call("POST", "/api/v1/accounts", json=proof)
    assert refused_before.status_code == 404, refused_before.text
    bank = new_partner(admin)
    bank.ok("POST", "/partners/v1/payments", 201, json_body={
        "txn_id": f"LP-{uuid.uuid4().hex[:12]}", "account_number": number, "supplier_id": made["supplier_id"],
        "amount_kop": 123456})
    customer = Customer(stack.gateway_url).register().login()
    # polled slowly: every miss counts against the customer's binding attempts (10 a minute at the gateway)
    bound = eventually(lambda: (r := customer.call("POST", "/api/v1/accounts", json=proof)).status_code == 201 and r,
                       timeout=20, interval=2.5, what="the posted payment to reach accounts")
    assert bound.json()["number"] == number
