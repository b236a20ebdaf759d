"""Сохранённые карты и автоплатёж."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("autopay", __name__, url_prefix="/api/v1")
