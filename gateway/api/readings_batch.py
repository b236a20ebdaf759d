"""Показания без входа в кабинет и сразу по нескольким счетам."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("readings_batch", __name__, url_prefix="/api/v1")
