"""Readings' settings: the common ones of a service (kit.settings) and the due reminders' lead time.

KABINET_DUE_CLOSING_DAYS: a "window closes soon" reminder (readings.due, kind "closing") goes this many days
before the window's last day (3 by default; 0 — on the last day only).
"""

from __future__ import annotations

from pydantic import Field

from kit.settings import ServiceConfig


class ReadingsConfig(ServiceConfig):
    due_closing_days: int = Field(3, ge=0, le=30, description="days before a window closes to remind")
