"""The in-app inbox (колокольчик)."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from kabinet.notify.v1 import notify_pb2 as pb

from gateway import present
from gateway import schemas as s
from gateway.openapi import operation
from gateway.security import login_required

bp = Blueprint("notifications", __name__, url_prefix="/api/v1")


@bp.get("/notifications")
@operation("Уведомления", tag="notifications", response=s.NotificationListOut)
@login_required
def inbox():
    limit = request.args.get("limit", 50, type=int)
    reply = current_app.extensions["kabinet.services"].notify.call(
        "ListInbox", pb.ListInboxRequest(limit=limit), idempotent=True)
    return {"notifications": [present.notification(m) for m in reply.messages]}
