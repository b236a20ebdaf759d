"""Staff: billing runs (закрытие периода) and the penalties' settings — key rates, moratoria, accrual
(payments checks the role, every rule, and audits every call)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_billing", __name__, url_prefix="/staff/v1")
