"""SMS readings: the SMS gateway delivers an incoming SMS (signed partner call); readings parses and answers."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partners_sms", __name__, url_prefix="/partners/v1")
