"""Staff."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_partners", __name__, url_prefix=" partners and their keys, bank registries, reconciliation:/staff/v1")
