"""Partners: staff manage them and their keys (audited); a signed request is exchanged for a partner token
only while signature, clock, nonce, key and partner all hold."""

from __future__ import annotations

import contextlib
import time
import uuid

import pytest
from kabinet.auth.v1 import auth_pb2 as pb
from sqlalchemy import select

from kit import partner_signing
from kit.context import Caller, caller_var
from kit.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from services.auth.adapters.orm import partner_keys
from services.auth.service_layer import partners

pytestmark = pytest.mark.integration

ADMIN = Caller(user_id=str(uuid.uuid4()), kind="staff", session_id=str(uuid.uuid4()), roles=("admin",))
OPERATOR = Caller(user_id=str(uuid.uuid4()), kind="staff", session_id=str(uuid.uuid4()), roles=("operator",))


@contextlib.contextmanager
def acting(who: Caller):
    token = caller_var.set(who)
    try:
        yield
    finally:
        caller_var.reset(token)


def staff_call(auth, who: Caller, method: str, request):
    with acting(who):
        return getattr(auth.api, method)(request, None)


def signed(key_id: str, secret: str, *, method: str = "POST", path: str = "/partners/v1/ping?x=1",
           body: bytes = b'{"a": 1}', timestamp: int | None = None, nonce: str | None = None,
           signature: str | None = None) -> pb.AuthenticatePartnerRequest:
    headers = partner_signing.signed_headers(key_id, secret, method, path, body, timestamp=timestamp, nonce=nonce)
    return pb.AuthenticatePartnerRequest(
        key_id=key_id, method=method, path=path, timestamp=headers[partner_signing.TIMESTAMP_HEADER],
        nonce=headers[partner_signing.NONCE_HEADER], body_sha256=partner_signing.body_sha256(body),
        signature=signature or headers[partner_signing.SIGNATURE_HEADER])


def refused(auth, request) -> str:
    with pytest.raises(Unauthenticated) as err:
        auth.api.AuthenticatePartner(request, None)
    return err.value.code


def new_partner(auth, **kw) -> pb.NewPartnerKey:
    request = pb.StaffCreatePartnerRequest(**({"name": "Банк «Тест»", "kind": "payment_agent"} | kw))
    return staff_call(auth, ADMIN, "StaffCreatePartner", request)


def test_a_signed_request_gets_a_partner_token(auth):
    supplier_id = str(uuid.uuid4())
    created = new_partner(auth, supplier_id=supplier_id)
    assert created.secret.startswith("sk_") and created.key_id.startswith("pk_")
    reply = auth.api.AuthenticatePartner(signed(created.key_id, created.secret), None)
    caller = auth.verifier.verify(reply.access_token)
    assert (caller.kind, caller.user_id, caller.roles) == (
        "partner", created.partner.partner_id, ("payment_agent", f"supplier:{supplier_id}"))
    assert (reply.name, reply.supplier_id, reply.key_id, reply.expires_in) == (
        "Банк «Тест»", supplier_id, created.key_id, 300)
    with auth.rt.engine.connect() as conn:  # the secret is not stored in clear
        sealed = conn.execute(select(partner_keys.c.secret_sealed)).scalar_one()
    assert created.secret not in sealed and sealed.startswith("v1.")


def test_every_broken_request_is_refused_with_its_class(auth):
    created = new_partner(auth)
    key, secret = created.key_id, created.secret
    assert refused(auth, signed(key, "sk_wrong")) == "invalid_signature"
    good = signed(key, secret)
    tampered = pb.AuthenticatePartnerRequest()
    tampered.CopyFrom(good)
    tampered.body_sha256 = partner_signing.body_sha256(b'{"a": 2}')
    assert refused(auth, tampered) == "invalid_signature"
    tampered.CopyFrom(good)
    tampered.path = "/partners/v1/ping?x=2"
    assert refused(auth, tampered) == "invalid_signature"
    assert refused(auth, signed(key, secret, nonce="short")) == "invalid_signature"
    assert refused(auth, signed(key, secret, timestamp=int(time.time()) - 301)) == "stale_timestamp"
    assert refused(auth, signed(key, secret, timestamp=int(time.time()) + 301)) == "stale_timestamp"
    auth.api.AuthenticatePartner(signed(key, secret, timestamp=int(time.time()) - 290), None)  # within skew
    auth.api.AuthenticatePartner(good, None)
    assert refused(auth, good) == "nonce_reused"
    assert refused(auth, signed("pk_nobody", secret)) == "unknown_key"
    staff_call(auth, ADMIN, "StaffSetPartnerActive", pb.StaffSetPartnerActiveRequest(
        partner_id=created.partner.partner_id, active=False))
    assert refused(auth, signed(key, secret)) == "unknown_key"
    staff_call(auth, ADMIN, "StaffSetPartnerActive", pb.StaffSetPartnerActiveRequest(
        partner_id=created.partner.partner_id, active=True))
    auth.api.AuthenticatePartner(signed(key, secret), None)


def test_rotation_overlaps_and_revocation_stops_a_key_at_once(auth):
    created = new_partner(auth)
    partner_id = created.partner.partner_id
    rotated = staff_call(auth, ADMIN, "StaffRotatePartnerKey", pb.StaffRotatePartnerKeyRequest(partner_id=partner_id))
    for key, secret in ((created.key_id, created.secret), (rotated.key_id, rotated.secret)):
        auth.api.AuthenticatePartner(signed(key, secret), None)
    old = next(k for k in rotated.partner.keys if k.key_id == created.key_id)
    assert old.usable and old.expires_at and not next(k for k in rotated.partner.keys
                                                      if k.key_id == rotated.key_id).expires_at
    revoked = staff_call(auth, ADMIN, "StaffRevokePartnerKey", pb.StaffRevokePartnerKeyRequest(
        partner_id=partner_id, key_id=created.key_id))
    assert [k.usable for k in revoked.keys] == [True, False]
    assert refused(auth, signed(created.key_id, created.secret)) == "unknown_key"
    auth.api.AuthenticatePartner(signed(rotated.key_id, rotated.secret), None)
    now_ = staff_call(auth, ADMIN, "StaffRotatePartnerKey", pb.StaffRotatePartnerKeyRequest(
        partner_id=partner_id, overlap_hours=0))
    assert refused(auth, signed(rotated.key_id, rotated.secret)) == "unknown_key"  # no overlap asked
    auth.api.AuthenticatePartner(signed(now_.key_id, now_.secret), None)


def test_staff_roles_checks_and_audit(auth):
    with pytest.raises(Forbidden):
        staff_call(auth, OPERATOR, "StaffCreatePartner", pb.StaffCreatePartnerRequest(name="X", kind="bank"))
    with pytest.raises(InvalidInput) as err:
        new_partner(auth, name=" ", kind="wizard", supplier_id="nope")
    assert err.value.code == "invalid_input" and set(err.value.fields) == {"name", "kind", "supplier_id"}
    created = new_partner(auth, kind="sms_gateway")
    listed = staff_call(auth, OPERATOR, "StaffListPartners", pb.StaffListPartnersRequest())
    assert [p.kind for p in listed.partners] == ["sms_gateway"] and not any(
        created.secret in str(p) for p in listed.partners)
    with pytest.raises(NotFound):
        staff_call(auth, ADMIN, "StaffRevokePartnerKey", pb.StaffRevokePartnerKeyRequest(
            partner_id=created.partner.partner_id, key_id="pk_nobody"))
    with pytest.raises(InvalidInput):
        staff_call(auth, ADMIN, "StaffRotatePartnerKey", pb.StaffRotatePartnerKeyRequest(
            partner_id=created.partner.partner_id, overlap_hours=1000))
    staff_call(auth, ADMIN, "StaffRotatePartnerKey", pb.StaffRotatePartnerKeyRequest(
        partner_id=created.partner.partner_id))
    entries = staff_call(auth, ADMIN, "StaffListPartnerAudit", pb.StaffListPartnerAuditRequest()).entries
    assert [e.action for e in entries] == ["partner.key_rotated", "partner.listed", "partner.created"]
    assert entries[2].actor_id == ADMIN.user_id and entries[1].actor_id == OPERATOR.user_id
    assert not any(created.secret in e.after_json for e in entries)


def test_old_nonces_are_pruned(auth):
    created = new_partner(auth)
    request = signed(created.key_id, created.secret)
    auth.api.AuthenticatePartner(request, None)
    assert partners.prune_nonces(auth.rt.uow(), partners.now()) == 0
    assert partners.prune_nonces(auth.rt.uow(), partners.now() + partners.domain.NONCE_KEPT * 2) == 1
