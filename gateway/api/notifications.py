"""The in-app inbox (колокольчик)."""

from __future__ import annotations

from flask import Blueprint, request
from kabinet.notify.v1 import notify_pb2 as pb
from marshmallow import Schema, fields

from gateway.openapi import operation
from gateway.schema import dump
from gateway.security import login_required
from gateway.services import notify
from gateway.shapes import NotificationOut

bp = Blueprint("notifications", __name__, url_prefix="/api/v1")


class NotificationListOut(Schema):
    notifications = fields.List(fields.Nested(NotificationOut), attribute="messages")


@bp.get("/notifications")
@operation("Уведомления", tag="notifications", response=NotificationListOut)
@login_required
def inbox():
    limit = request.args.get("limit", 50, type=int)
    return dump(NotificationListOut, notify().call("ListInbox", pb.ListInboxRequest(limit=limit), idempotent=True))
