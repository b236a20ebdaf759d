"""Показания: submit and history."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, request
from kabinet.readings.v1 import readings_pb2 as pb

from gateway import present
from gateway import schemas as s
from gateway.openapi import operation
from gateway.security import login_required
from kit.errors import InvalidInput

bp = Blueprint("readings", __name__, url_prefix="/api/v1")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
IDEMPOTENCY_PARAM = {"name": "Idempotency-Key", "in": "header", "required": False,
                     "schema": {"type": "string"}, "description": "Retries with the same key have one effect."}


def readings():
    return current_app.extensions["kabinet.services"].readings


def idempotency_key() -> str:
    key = request.headers.get("Idempotency-Key", "")
    if key and not IDEMPOTENCY_KEY.match(key):
        raise InvalidInput("Неверный заголовок Idempotency-Key.", code="invalid_idempotency_key")
    return key


@bp.post("/accounts/<account_id>/readings")
@operation("Передать показания", tag="readings", body=s.SubmitReadingIn, response=s.ReadingOut, status=201,
           errors=(404, 409, 422), params=(IDEMPOTENCY_PARAM,))
@login_required
def submit(account_id: str):
    data = s.load(s.SubmitReadingIn, request.get_json(silent=True))
    key = idempotency_key()
    reply = readings().call("SubmitReading", pb.SubmitReadingRequest(
        account_id=account_id, meter_id=str(data["meter_id"]), idempotency_key=key,
        values=[pb.ZoneValue(zone=z, value=v.strip()) for z, v in data["values"].items()],
    ), idempotent=bool(key))
    return present.reading(reply), 201


@bp.get("/accounts/<account_id>/readings")
@operation("История показаний", tag="readings", response=s.ReadingListOut, errors=(404,))
@login_required
def history(account_id: str):
    limit = request.args.get("limit", 20, type=int)
    reply = readings().call("ListReadings", pb.ListReadingsRequest(account_id=account_id, limit=limit),
                            idempotent=True)
    return {"readings": [present.reading(r) for r in reply.readings]}
