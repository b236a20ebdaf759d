"""Потребление."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("consumption", __name__, url_prefix=" ряды для графиков и выгрузка (Green Button):/api/v1")
