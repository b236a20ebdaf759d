"""Customer care (section: care): news, outage notices (the public status route), feedback «Отправить сообщение»
with or without signing in, and staff's side of each. Shape only: notify decides every rule."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("care", __name__, url_prefix="/api/v1")
staff_bp = Blueprint("staff_care", __name__, url_prefix="/staff/v1")
