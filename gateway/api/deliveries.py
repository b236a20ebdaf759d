"""Deliveries (section: dispatch): the SMS provider's status callbacks (a signed partner call), staff's view of
what was sent and how it ended, and the test-clock dispatch. Shape only: notify decides every rule."""

from __future__ import annotations

from flask import Blueprint

partner_bp = Blueprint("sms_status", __name__, url_prefix="/partners/v1")
staff_bp = Blueprint("staff_deliveries", __name__, url_prefix="/staff/v1")
