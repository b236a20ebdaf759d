"""Partner payments API (payment agents, banks."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix=" check, pay, status, cancel, registries):/partners/v1")
