"""Оплата картой (кабинет, без входа) и уведомления провайдера."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("payments", __name__, url_prefix="/api/v1")
