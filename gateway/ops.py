"""Operations endpoints: liveness, readiness, and the dev outbox."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from kabinet.notify.v1 import notify_pb2
from marshmallow import Schema, fields

from gateway.schema import Timestamp, dump
from gateway.services import notify
from kit.errors import NotFound

bp = Blueprint("ops", __name__)


class DevMessageOut(Schema):
    id = fields.String(attribute="message_id")
    channel = fields.String()
    to = fields.String(attribute="destination")
    subject = fields.String()
    body = fields.String()
    sent_at = Timestamp(allow_none=True)


class DevOutboxOut(Schema):
    messages = fields.List(fields.Nested(DevMessageOut))


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    services = current_app.extensions["kabinet.services"].health()
    ready = all(status == "SERVING" for status in services.values())
    return {"status": "ready" if ready else "not_ready", "services": services}, 200 if ready else 503


@bp.get("/dev/outbox")
def dev_outbox():
    """SMS and e-mail the dev delivery adapters "sent" (dev and test profiles only)."""
    if not current_app.config["KABINET"].is_dev:
        raise NotFound()
    return dump(DevOutboxOut, notify().call(
        "ListDevOutbox", notify_pb2.ListDevOutboxRequest(destination=request.args.get("to", ""),
                                                         limit=request.args.get("limit", 50, type=int)),
        idempotent=True))
