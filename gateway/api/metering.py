"""АИИС КУЭ: the automatic metering feed (signed partner call) and staff's file import."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partners_metering", __name__, url_prefix="/partners/v1")
staff_bp = Blueprint("staff_metering", __name__, url_prefix="/staff/v1")
