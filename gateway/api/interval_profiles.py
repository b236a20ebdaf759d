"""Interval (hourly) profiles of legal entities: the .xlsx template, upload, list, delete; staff review."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("interval_profiles", __name__, url_prefix="/api/v1")
staff_bp = Blueprint("staff_interval_profiles", __name__, url_prefix="/staff/v1")
