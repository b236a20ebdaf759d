"""The partners part of the auth gRPC API (mixed into AuthServicer): staff manage partners and keys, the
gateway authenticates signed partner requests."""

from __future__ import annotations

import json

from kabinet.auth.v1 import auth_pb2 as pb

from kit.context import require_caller
from services.auth.domain.partners import Partner, SignedRequest
from services.auth.entrypoints.messages import rfc3339
from services.auth.service_layer import partners
from services.auth.service_layer.context import now


def partner_pb(partner: Partner) -> pb.Partner:
    at = now()
    return pb.Partner(
        partner_id=partner.partner_id, name=partner.name, kind=partner.kind, supplier_id=partner.supplier_id,
        active=partner.active, created_at=rfc3339(partner.created_at) if partner.created_at else "",
        keys=[pb.PartnerKey(key_id=k.key_id, created_at=rfc3339(k.created_at),
                            expires_at=rfc3339(k.expires_at) if k.expires_at else "",
                            revoked_at=rfc3339(k.revoked_at) if k.revoked_at else "", usable=k.usable(at))
              for k in partner.keys])


def new_key_pb(new: partners.NewKey) -> pb.NewPartnerKey:
    return pb.NewPartnerKey(partner=partner_pb(new.partner), key_id=new.key_id, secret=new.secret)


class PartnerRpcs:
    """Needs `self.uow` (a unit-of-work factory) and `self.ctx` (services.auth.service_layer.context.Context)."""

    def StaffCreatePartner(self, request, context):
        return new_key_pb(partners.create_partner(self.uow(), self.ctx, require_caller(), name=request.name,
                                                  kind=request.kind, supplier_id=request.supplier_id))

    def StaffListPartners(self, request, context):
        found = partners.list_partners(self.uow(), require_caller())
        return pb.StaffListPartnersReply(partners=[partner_pb(p) for p in found])

    def StaffRotatePartnerKey(self, request, context):
        hours = request.overlap_hours if request.HasField("overlap_hours") else None
        return new_key_pb(partners.rotate_key(self.uow(), self.ctx, require_caller(), partner_id=request.partner_id,
                                              overlap_hours=hours))

    def StaffRevokePartnerKey(self, request, context):
        return partner_pb(partners.revoke_key(self.uow(), require_caller(), partner_id=request.partner_id,
                                              key_id=request.key_id))

    def StaffSetPartnerActive(self, request, context):
        return partner_pb(partners.set_active(self.uow(), require_caller(), partner_id=request.partner_id,
                                              active=request.active))

    def StaffListPartnerAudit(self, request, context):
        entries = partners.audit_entries(self.uow(), require_caller(), partner_id=request.partner_id,
                                         limit=request.limit)
        return pb.StaffListPartnerAuditReply(entries=[pb.PartnerAuditEntry(
            id=e["id"], at=rfc3339(e["at"]), actor_id=e["actor_id"], action=e["action"], entity_id=e["entity_id"],
            after_json=json.dumps(e["after"], ensure_ascii=False) if e["after"] is not None else "")
            for e in entries])

    def AuthenticatePartner(self, request, context):
        # [public]: the gateway calls it with no token; the signed request is the credential.
        done = partners.authenticate(self.uow(), self.ctx, SignedRequest(
            key_id=request.key_id, method=request.method, path=request.path, timestamp=request.timestamp,
            nonce=request.nonce, body_sha256=request.body_sha256, signature=request.signature))
        p = done.partner
        return pb.PartnerAuth(access_token=done.access_token, expires_in=done.expires_in, partner_id=p.partner_id,
                              kind=p.kind, supplier_id=p.supplier_id, name=p.name, key_id=done.key_id)
