"""Invoices (квитанции) of an account and their PDFs, legal entities' contract documents (payments decides)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("invoices", __name__, url_prefix="/api/v1")
